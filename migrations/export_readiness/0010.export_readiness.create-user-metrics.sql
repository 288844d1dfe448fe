-- export_readiness.user_metrics: one row of success metrics per user (reports generated,
-- certifications completed, documents generated, action-plan tasks completed, estimated cost and
-- time saved), kept by an upsert that adds to the counters (INSERT ... ON CONFLICT (user_id)).
-- depends: 0009.export_readiness.create-logistics-analysis

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE export_readiness.user_metrics (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    reports_generated integer NOT NULL DEFAULT 0,
    certifications_completed integer NOT NULL DEFAULT 0,
    documents_generated integer NOT NULL DEFAULT 0,
    action_tasks_completed integer NOT NULL DEFAULT 0,
    cost_savings numeric(19, 4) NOT NULL DEFAULT 0,
    time_saved_hours numeric(10, 2) NOT NULL DEFAULT 0,
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_metrics_pkey PRIMARY KEY (id),
    CONSTRAINT user_metrics_user_id_key UNIQUE (user_id),
    CONSTRAINT user_metrics_user_id_fkey FOREIGN KEY (user_id) REFERENCES export_readiness.users (id) ON DELETE CASCADE,
    CONSTRAINT user_metrics_counts_check CHECK (
        reports_generated >= 0 AND certifications_completed >= 0 AND documents_generated >= 0 AND action_tasks_completed >= 0
    ),
    CONSTRAINT user_metrics_savings_check CHECK (cost_savings >= 0 AND time_saved_hours >= 0)
);

COMMENT ON TABLE export_readiness.user_metrics IS 'Success metrics per user (one row each), for the dashboard and product reporting.';

COMMENT ON COLUMN export_readiness.user_metrics.action_tasks_completed IS 'Action-plan tasks marked done, across all reports.';

COMMENT ON COLUMN export_readiness.user_metrics.cost_savings IS 'Estimated consultant and rejection costs avoided, in INR.';

COMMENT ON COLUMN export_readiness.user_metrics.time_saved_hours IS 'Estimated hours of research and paperwork saved.';

COMMENT ON COLUMN export_readiness.user_metrics.last_activity_at IS 'When the metrics last changed.';

COMMENT ON CONSTRAINT user_metrics_user_id_key ON export_readiness.user_metrics IS 'a user has one metrics row';

COMMENT ON CONSTRAINT user_metrics_user_id_fkey ON export_readiness.user_metrics IS 'metrics must belong to an existing user';

COMMENT ON CONSTRAINT user_metrics_counts_check ON export_readiness.user_metrics IS 'the counters cannot be negative';

COMMENT ON CONSTRAINT user_metrics_savings_check ON export_readiness.user_metrics IS 'cost_savings and time_saved_hours cannot be negative';

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON export_readiness.user_metrics
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
