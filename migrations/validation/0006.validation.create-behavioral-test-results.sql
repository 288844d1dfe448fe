-- validation.behavioral_test_results: one behavioral scenario run against source and target during
-- a session: its status (passed, failed, error, skipped), timings and details. A failed or errored
-- run says why. Rows go with their session when it is purged (ON DELETE CASCADE).
-- depends: 0005.validation.create-discrepancies

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE validation.behavioral_test_results (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    session_id uuid NOT NULL,
    scenario_name text NOT NULL,
    status text NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    execution_time_ms bigint GENERATED ALWAYS AS ((extract(epoch FROM finished_at - started_at) * 1000)::bigint) STORED,
    details jsonb NOT NULL DEFAULT '{}',
    error_message text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT behavioral_test_results_pkey PRIMARY KEY (id),
    CONSTRAINT behavioral_test_results_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES validation.validation_sessions (id) ON DELETE CASCADE,
    CONSTRAINT behavioral_test_results_scenario_name_check CHECK (length(btrim(scenario_name)) BETWEEN 1 AND 500),
    CONSTRAINT behavioral_test_results_status_check CHECK (status IN ('passed', 'failed', 'error', 'skipped')),
    CONSTRAINT behavioral_test_results_timing_check CHECK (finished_at >= started_at),
    CONSTRAINT behavioral_test_results_details_check CHECK (jsonb_typeof(details) = 'object'),
    CONSTRAINT behavioral_test_results_error_message_check CHECK (status NOT IN ('failed', 'error') OR error_message IS NOT NULL)
);

COMMENT ON TABLE validation.behavioral_test_results IS 'Behavioral scenarios run during a validation session, with their outcome and timings.';

COMMENT ON COLUMN validation.behavioral_test_results.status IS 'passed, failed, error or skipped.';

COMMENT ON COLUMN validation.behavioral_test_results.execution_time_ms IS 'finished_at - started_at in milliseconds (computed).';

COMMENT ON COLUMN validation.behavioral_test_results.details IS 'Steps, observations and captured output of the run (a JSON object).';

COMMENT ON COLUMN validation.behavioral_test_results.error_message IS 'Why the scenario failed or errored; required then.';

COMMENT ON CONSTRAINT behavioral_test_results_session_id_fkey ON validation.behavioral_test_results IS 'session_id must be an existing validation session';

COMMENT ON CONSTRAINT behavioral_test_results_scenario_name_check ON validation.behavioral_test_results IS 'scenario_name must have 1 to 500 characters';

COMMENT ON CONSTRAINT behavioral_test_results_status_check ON validation.behavioral_test_results IS 'status must be passed, failed, error or skipped';

COMMENT ON CONSTRAINT behavioral_test_results_timing_check ON validation.behavioral_test_results IS 'finished_at cannot be before started_at';

COMMENT ON CONSTRAINT behavioral_test_results_details_check ON validation.behavioral_test_results IS 'details must be a JSON object';

COMMENT ON CONSTRAINT behavioral_test_results_error_message_check ON validation.behavioral_test_results IS 'a failed or errored scenario needs an error_message';

CREATE INDEX behavioral_test_results_session_id_idx ON validation.behavioral_test_results (session_id, started_at);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON validation.behavioral_test_results
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
