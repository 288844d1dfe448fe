-- export_readiness.certification_progress: the user's progress on each certification a report
-- requires (FDA registration, CE marking, REACH, BIS, ZED...). One row per (report, certification).
-- The composite foreign key (report_id, user_id) proves the row belongs to the report's owner and
-- cascades from the report, and so from the user (a separate user_id foreign key would add nothing:
-- the pair cannot exist without the user). completed_at is set exactly when the status is
-- completed; documents_completed is a JSON array of document names.
-- depends: 0002.export_readiness.create-reports

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE export_readiness.certification_progress (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    report_id uuid NOT NULL,
    certification_id text NOT NULL,
    certification_name text NOT NULL,
    status text NOT NULL DEFAULT 'not_started',
    documents_completed jsonb NOT NULL DEFAULT '[]',
    notes text,
    estimated_cost numeric(19, 4),
    started_at timestamptz,
    completed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certification_progress_pkey PRIMARY KEY (id),
    CONSTRAINT certification_progress_report_id_certification_id_key UNIQUE (report_id, certification_id),
    CONSTRAINT certification_progress_report_id_fkey FOREIGN KEY (report_id, user_id)
        REFERENCES export_readiness.reports (id, user_id) ON DELETE CASCADE,
    CONSTRAINT certification_progress_certification_id_check CHECK (certification_id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    CONSTRAINT certification_progress_certification_name_check CHECK (length(btrim(certification_name)) BETWEEN 1 AND 200),
    CONSTRAINT certification_progress_status_check CHECK (status IN ('not_started', 'in_progress', 'submitted', 'completed', 'rejected')),
    CONSTRAINT certification_progress_documents_completed_check CHECK (jsonb_typeof(documents_completed) = 'array'),
    CONSTRAINT certification_progress_estimated_cost_check CHECK (estimated_cost >= 0),
    CONSTRAINT certification_progress_completed_at_check CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
    CONSTRAINT certification_progress_started_at_check CHECK (status = 'not_started' OR started_at IS NOT NULL)
);

COMMENT ON TABLE export_readiness.certification_progress IS 'Progress on each certification a report requires, one row per report and certification.';

COMMENT ON COLUMN export_readiness.certification_progress.certification_id IS 'Stable slug of the certification, e.g. fda-food-facility, ce-marking, reach, bis, zed.';

COMMENT ON COLUMN export_readiness.certification_progress.status IS 'not_started, in_progress, submitted, completed or rejected.';

COMMENT ON COLUMN export_readiness.certification_progress.documents_completed IS 'JSON array of the names of the documents already prepared for this certification.';

COMMENT ON COLUMN export_readiness.certification_progress.estimated_cost IS 'Estimated cost of the certification, in INR.';

COMMENT ON COLUMN export_readiness.certification_progress.started_at IS 'When work started (first status after not_started).';

COMMENT ON COLUMN export_readiness.certification_progress.completed_at IS 'Set exactly when status is completed.';

COMMENT ON CONSTRAINT certification_progress_report_id_certification_id_key ON export_readiness.certification_progress IS 'a certification is tracked once per report';

COMMENT ON CONSTRAINT certification_progress_report_id_fkey ON export_readiness.certification_progress IS 'certification progress must belong to a report of the same user';

COMMENT ON CONSTRAINT certification_progress_certification_id_check ON export_readiness.certification_progress IS 'certification_id must be a lowercase slug (letters, digits, - and _; at most 64 characters)';

COMMENT ON CONSTRAINT certification_progress_certification_name_check ON export_readiness.certification_progress IS 'certification_name must have 1 to 200 characters';

COMMENT ON CONSTRAINT certification_progress_status_check ON export_readiness.certification_progress IS 'status must be not_started, in_progress, submitted, completed or rejected';

COMMENT ON CONSTRAINT certification_progress_documents_completed_check ON export_readiness.certification_progress IS 'documents_completed must be a JSON array';

COMMENT ON CONSTRAINT certification_progress_estimated_cost_check ON export_readiness.certification_progress IS 'estimated_cost cannot be negative';

COMMENT ON CONSTRAINT certification_progress_completed_at_check ON export_readiness.certification_progress IS 'completed_at must be set exactly when the certification is completed';

COMMENT ON CONSTRAINT certification_progress_started_at_check ON export_readiness.certification_progress IS 'started_at must be set once work on the certification has started';

CREATE INDEX certification_progress_report_id_user_id_idx ON export_readiness.certification_progress (report_id, user_id);

CREATE INDEX certification_progress_status_idx ON export_readiness.certification_progress (status);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON export_readiness.certification_progress
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
