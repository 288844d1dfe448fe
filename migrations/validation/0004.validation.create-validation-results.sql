-- validation.validation_results: the outcome of a session, at most one per session.
-- fidelity_score is in [0, 1] (numeric(5,4): exact, four decimals); overall_status says whether the
-- migration is approved; execution_time_ms is how long the comparison took. A result goes with its
-- session when the session is purged (ON DELETE CASCADE).
-- depends: 0003.validation.create-session-logs

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE validation.validation_results (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    session_id uuid NOT NULL,
    overall_status text NOT NULL,
    fidelity_score numeric(5, 4) NOT NULL,
    summary text NOT NULL,
    execution_time_ms integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT validation_results_pkey PRIMARY KEY (id),
    CONSTRAINT validation_results_session_id_key UNIQUE (session_id),
    CONSTRAINT validation_results_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES validation.validation_sessions (id) ON DELETE CASCADE,
    CONSTRAINT validation_results_overall_status_check CHECK (overall_status IN ('approved', 'approved_with_warnings', 'rejected', 'error')),
    CONSTRAINT validation_results_fidelity_score_check CHECK (fidelity_score BETWEEN 0 AND 1),
    CONSTRAINT validation_results_summary_check CHECK (length(btrim(summary)) BETWEEN 1 AND 20000),
    CONSTRAINT validation_results_execution_time_ms_check CHECK (execution_time_ms >= 0)
);

COMMENT ON TABLE validation.validation_results IS 'The outcome of a validation session (at most one per session).';

COMMENT ON COLUMN validation.validation_results.overall_status IS 'approved, approved_with_warnings, rejected or error.';

COMMENT ON COLUMN validation.validation_results.fidelity_score IS 'How faithfully the target reproduces the source, from 0 (not at all) to 1 (exactly).';

COMMENT ON COLUMN validation.validation_results.execution_time_ms IS 'Duration of the comparison in milliseconds.';

COMMENT ON CONSTRAINT validation_results_session_id_key ON validation.validation_results IS 'the session already has a result';

COMMENT ON CONSTRAINT validation_results_session_id_fkey ON validation.validation_results IS 'session_id must be an existing validation session';

COMMENT ON CONSTRAINT validation_results_overall_status_check ON validation.validation_results IS 'overall_status must be approved, approved_with_warnings, rejected or error';

COMMENT ON CONSTRAINT validation_results_fidelity_score_check ON validation.validation_results IS 'fidelity_score must be between 0 and 1';

COMMENT ON CONSTRAINT validation_results_summary_check ON validation.validation_results IS 'summary must have 1 to 20000 characters';

COMMENT ON CONSTRAINT validation_results_execution_time_ms_check ON validation.validation_results IS 'execution_time_ms cannot be negative';

CREATE INDEX validation_results_created_at_idx ON validation.validation_results (created_at);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON validation.validation_results
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
