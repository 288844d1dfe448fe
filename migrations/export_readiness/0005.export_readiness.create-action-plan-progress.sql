-- export_readiness.action_plan_progress: the tasks of a report's 7-day action plan and whether each
-- is done. day_number is 1 to 7; a task appears once per (report, day, task_id); completed_at is
-- set exactly when the task is completed. The composite foreign key (report_id, user_id) proves
-- the task belongs to the report's owner and cascades from the report, and so from the user.
-- depends: 0004.export_readiness.create-generated-documents

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE export_readiness.action_plan_progress (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    report_id uuid NOT NULL,
    day_number integer NOT NULL,
    task_id text NOT NULL,
    task_title text NOT NULL,
    task_description text,
    category text NOT NULL DEFAULT 'other',
    completed boolean NOT NULL DEFAULT false,
    completed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT action_plan_progress_pkey PRIMARY KEY (id),
    CONSTRAINT action_plan_progress_report_id_day_number_task_id_key UNIQUE (report_id, day_number, task_id),
    CONSTRAINT action_plan_progress_report_id_fkey FOREIGN KEY (report_id, user_id)
        REFERENCES export_readiness.reports (id, user_id) ON DELETE CASCADE,
    CONSTRAINT action_plan_progress_day_number_check CHECK (day_number BETWEEN 1 AND 7),
    CONSTRAINT action_plan_progress_task_id_check CHECK (task_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    CONSTRAINT action_plan_progress_task_title_check CHECK (length(btrim(task_title)) BETWEEN 1 AND 300),
    CONSTRAINT action_plan_progress_category_check CHECK (
        category IN ('registration', 'certification', 'documentation', 'logistics', 'finance', 'compliance', 'other')
    ),
    CONSTRAINT action_plan_progress_completed_at_check CHECK (completed = (completed_at IS NOT NULL))
);

COMMENT ON TABLE export_readiness.action_plan_progress IS 'Tasks of a report''s 7-day action plan and their completion.';

COMMENT ON COLUMN export_readiness.action_plan_progress.day_number IS 'Day of the plan, 1 to 7.';

COMMENT ON COLUMN export_readiness.action_plan_progress.task_id IS 'The task''s id within the generated plan, e.g. apply-iec or gst-lut.';

COMMENT ON COLUMN export_readiness.action_plan_progress.category IS 'registration, certification, documentation, logistics, finance, compliance or other.';

COMMENT ON COLUMN export_readiness.action_plan_progress.completed_at IS 'When the task was marked done; set exactly when completed.';

COMMENT ON CONSTRAINT action_plan_progress_report_id_day_number_task_id_key ON export_readiness.action_plan_progress IS 'a task appears once per report and day';

COMMENT ON CONSTRAINT action_plan_progress_report_id_fkey ON export_readiness.action_plan_progress IS 'an action-plan task must belong to a report of the same user';

COMMENT ON CONSTRAINT action_plan_progress_day_number_check ON export_readiness.action_plan_progress IS 'day_number must be between 1 and 7';

COMMENT ON CONSTRAINT action_plan_progress_task_id_check ON export_readiness.action_plan_progress IS 'task_id must be 1 to 64 letters, digits, dots, dashes or underscores';

COMMENT ON CONSTRAINT action_plan_progress_task_title_check ON export_readiness.action_plan_progress IS 'task_title must have 1 to 300 characters';

COMMENT ON CONSTRAINT action_plan_progress_category_check ON export_readiness.action_plan_progress IS 'category must be registration, certification, documentation, logistics, finance, compliance or other';

COMMENT ON CONSTRAINT action_plan_progress_completed_at_check ON export_readiness.action_plan_progress IS 'completed_at must be set exactly when the task is completed';

CREATE INDEX action_plan_progress_report_id_user_id_idx ON export_readiness.action_plan_progress (report_id, user_id);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON export_readiness.action_plan_progress
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
