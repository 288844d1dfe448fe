-- compliance.report_schedules: reports generated on a schedule and mailed to recipients.
-- A work queue: workers claim due schedules (active, next_run_at <= now()) with
-- FOR UPDATE SKIP LOCKED and, in the same statement, move next_run_at to the next slot after now
-- (compliance.next_report_run_at), so concurrent workers never run the same report twice. The
-- partial index (next_run_at, id) WHERE is_active is the queue's index.
-- depends: 0010.compliance.create-integration-configurations

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.report_schedules (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    business_profile_id uuid NOT NULL,
    report_type text NOT NULL,
    frequency text NOT NULL,
    parameters jsonb NOT NULL DEFAULT '{}',
    recipients text[] NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    next_run_at timestamptz NOT NULL,
    last_run_at timestamptz,
    run_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_schedules_pkey PRIMARY KEY (id),
    CONSTRAINT report_schedules_user_id_fkey FOREIGN KEY (user_id) REFERENCES compliance.users (id) ON DELETE CASCADE,
    CONSTRAINT report_schedules_business_profile_id_fkey FOREIGN KEY (business_profile_id, user_id)
        REFERENCES compliance.business_profiles (id, user_id) ON DELETE CASCADE,
    CONSTRAINT report_schedules_report_type_check CHECK (
        report_type IN ('executive_summary', 'gap_analysis', 'evidence_status', 'compliance_status', 'readiness', 'control_matrix')
    ),
    CONSTRAINT report_schedules_frequency_check CHECK (frequency IN ('daily', 'weekly', 'monthly', 'quarterly')),
    CONSTRAINT report_schedules_parameters_check CHECK (jsonb_typeof(parameters) = 'object'),
    CONSTRAINT report_schedules_recipients_check CHECK (
        cardinality(recipients) BETWEEN 1 AND 50 AND array_position(recipients, NULL) IS NULL
    ),
    CONSTRAINT report_schedules_run_count_check CHECK (run_count >= 0)
);

COMMENT ON TABLE compliance.report_schedules IS 'Scheduled reports; a work queue claimed by report workers.';

COMMENT ON COLUMN compliance.report_schedules.report_type IS 'executive_summary, gap_analysis, evidence_status, compliance_status, readiness or control_matrix.';

COMMENT ON COLUMN compliance.report_schedules.frequency IS 'daily, weekly, monthly or quarterly.';

COMMENT ON COLUMN compliance.report_schedules.parameters IS 'Report options (a jsonb object), e.g. the frameworks to cover.';

COMMENT ON COLUMN compliance.report_schedules.recipients IS 'Email addresses the report is sent to (1 to 50).';

COMMENT ON COLUMN compliance.report_schedules.next_run_at IS 'When the report is next due; moved forward when a worker claims it.';

COMMENT ON COLUMN compliance.report_schedules.last_run_at IS 'When a worker last claimed the report.';

COMMENT ON COLUMN compliance.report_schedules.run_count IS 'How many times the report was claimed.';

COMMENT ON CONSTRAINT report_schedules_user_id_fkey ON compliance.report_schedules IS 'a report schedule must belong to an existing user';

COMMENT ON CONSTRAINT report_schedules_business_profile_id_fkey ON compliance.report_schedules IS 'business_profile_id must be a business profile of the same user';

COMMENT ON CONSTRAINT report_schedules_report_type_check ON compliance.report_schedules IS 'report_type must be executive_summary, gap_analysis, evidence_status, compliance_status, readiness or control_matrix';

COMMENT ON CONSTRAINT report_schedules_frequency_check ON compliance.report_schedules IS 'frequency must be daily, weekly, monthly or quarterly';

COMMENT ON CONSTRAINT report_schedules_parameters_check ON compliance.report_schedules IS 'parameters must be a JSON object';

COMMENT ON CONSTRAINT report_schedules_recipients_check ON compliance.report_schedules IS 'a report needs 1 to 50 recipients';

COMMENT ON CONSTRAINT report_schedules_run_count_check ON compliance.report_schedules IS 'run_count cannot be negative';

CREATE INDEX report_schedules_user_id_idx ON compliance.report_schedules (user_id);

CREATE INDEX report_schedules_business_profile_id_idx ON compliance.report_schedules (business_profile_id, user_id);

CREATE INDEX report_schedules_due_idx ON compliance.report_schedules (next_run_at, id) WHERE is_active;

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.report_schedules
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE FUNCTION compliance.next_report_run_at(p_due timestamptz, p_frequency text, p_now timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_step interval := CASE p_frequency
        WHEN 'daily' THEN interval '1 day'
        WHEN 'weekly' THEN interval '7 days'
        WHEN 'monthly' THEN interval '1 month'
        WHEN 'quarterly' THEN interval '3 months'
    END;
    v_periods integer := 1;
BEGIN
    IF v_step IS NULL THEN
        RAISE EXCEPTION 'unknown report frequency %', p_frequency
            USING ERRCODE = 'check_violation', SCHEMA = 'compliance', TABLE = 'report_schedules',
                  COLUMN = 'frequency', CONSTRAINT = 'report_schedules_frequency_check';
    END IF;
    -- Whole periods from the due time, so a schedule keeps its time of day and day of month, and
    -- one that fell behind (workers down) runs once, then resumes on its grid.
    WHILE p_due + v_step * v_periods <= p_now LOOP
        v_periods := v_periods + 1;
    END LOOP;
    RETURN p_due + v_step * v_periods;
END;
$$;

COMMENT ON FUNCTION compliance.next_report_run_at(timestamptz, text, timestamptz) IS 'The first slot after p_now on the grid p_due + k * frequency (k >= 1).';
