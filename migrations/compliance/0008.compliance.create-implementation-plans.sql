-- compliance.implementation_plans: a roadmap to comply with one framework, for one business
-- profile. phases is a jsonb array of {name, tasks: [{title, status}]}, task status one of
-- not_started, in_progress, completed (checked with jsonpath). total_tasks and completed_tasks are
-- generated from phases, so the plan's progress can never disagree with its content.
-- planned_end_date is not before planned_start_date.
-- depends: 0007.compliance.create-generated-policies

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.implementation_plans (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    business_profile_id uuid NOT NULL,
    framework_id uuid NOT NULL,
    title text NOT NULL,
    status text NOT NULL DEFAULT 'not_started',
    phases jsonb NOT NULL DEFAULT '[]',
    total_tasks integer GENERATED ALWAYS AS (
        jsonb_array_length(jsonb_path_query_array(phases, '$[*].tasks[*]'))
    ) STORED,
    completed_tasks integer GENERATED ALWAYS AS (
        jsonb_array_length(jsonb_path_query_array(phases, '$[*].tasks[*] ? (@.status == "completed")'))
    ) STORED,
    planned_start_date date,
    planned_end_date date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT implementation_plans_pkey PRIMARY KEY (id),
    CONSTRAINT implementation_plans_user_id_fkey FOREIGN KEY (user_id) REFERENCES compliance.users (id) ON DELETE CASCADE,
    CONSTRAINT implementation_plans_business_profile_id_fkey FOREIGN KEY (business_profile_id, user_id)
        REFERENCES compliance.business_profiles (id, user_id) ON DELETE CASCADE,
    CONSTRAINT implementation_plans_framework_id_fkey FOREIGN KEY (framework_id)
        REFERENCES compliance.compliance_frameworks (id) ON DELETE RESTRICT,
    CONSTRAINT implementation_plans_title_check CHECK (length(btrim(title)) BETWEEN 1 AND 255),
    CONSTRAINT implementation_plans_status_check CHECK (status IN ('not_started', 'in_progress', 'completed', 'on_hold')),
    CONSTRAINT implementation_plans_phases_check CHECK (
        jsonb_typeof(phases) = 'array'
        AND NOT jsonb_path_exists(phases, '$[*] ? (@.type() != "object" || !exists(@.name) || !exists(@.tasks) || @.tasks.type() != "array")')
        AND NOT jsonb_path_exists(
            phases,
            '$[*].tasks[*] ? (!exists(@.title) || !(@.status == "not_started" || @.status == "in_progress" || @.status == "completed"))'
        )
    ),
    CONSTRAINT implementation_plans_dates_check CHECK (planned_end_date >= planned_start_date)
);

COMMENT ON TABLE compliance.implementation_plans IS 'Compliance roadmaps: phases of tasks for one framework and business profile.';

COMMENT ON COLUMN compliance.implementation_plans.phases IS 'A jsonb array of {name, tasks: [{title, status}]}; task status not_started, in_progress or completed.';

COMMENT ON COLUMN compliance.implementation_plans.total_tasks IS 'Generated: the number of tasks in phases.';

COMMENT ON COLUMN compliance.implementation_plans.completed_tasks IS 'Generated: the number of completed tasks in phases.';

COMMENT ON CONSTRAINT implementation_plans_user_id_fkey ON compliance.implementation_plans IS 'a plan must belong to an existing user';

COMMENT ON CONSTRAINT implementation_plans_business_profile_id_fkey ON compliance.implementation_plans IS 'business_profile_id must be a business profile of the same user';

COMMENT ON CONSTRAINT implementation_plans_framework_id_fkey ON compliance.implementation_plans IS 'framework_id must be an existing compliance framework (a framework in use cannot be deleted)';

COMMENT ON CONSTRAINT implementation_plans_title_check ON compliance.implementation_plans IS 'title must have 1 to 255 characters';

COMMENT ON CONSTRAINT implementation_plans_status_check ON compliance.implementation_plans IS 'status must be not_started, in_progress, completed or on_hold';

COMMENT ON CONSTRAINT implementation_plans_phases_check ON compliance.implementation_plans IS 'phases must be an array of {name, tasks} whose tasks have a title and a status of not_started, in_progress or completed';

COMMENT ON CONSTRAINT implementation_plans_dates_check ON compliance.implementation_plans IS 'planned_end_date cannot be before planned_start_date';

CREATE INDEX implementation_plans_user_id_idx ON compliance.implementation_plans (user_id);

CREATE INDEX implementation_plans_business_profile_id_idx ON compliance.implementation_plans (business_profile_id, user_id);

CREATE INDEX implementation_plans_framework_id_idx ON compliance.implementation_plans (framework_id);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.implementation_plans
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
