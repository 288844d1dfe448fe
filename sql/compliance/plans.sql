-- name: create_implementation_plan(user_id, business_profile_id, framework_id, title, phases, planned_start_date, planned_end_date)^
-- Creates an implementation plan for one of the user's business profiles; phases is a list of
-- {name, tasks: [{title, status}]}. Returns it with its task counts.
-- @param planned_start_date: date | None
-- @param planned_end_date: date | None
-- @type phases: datalayer.compliance.shapes:PlanPhases
-- @nonnull total_tasks, completed_tasks
INSERT INTO compliance.implementation_plans (user_id, business_profile_id, framework_id, title, phases, planned_start_date, planned_end_date)
VALUES (:user_id, :business_profile_id, :framework_id, :title, :phases::jsonb, :planned_start_date, :planned_end_date)
RETURNING id, user_id, business_profile_id, framework_id, title, status, phases, total_tasks, completed_tasks, planned_start_date, planned_end_date, created_at, updated_at;

-- name: update_implementation_plan_phases(implementation_plan_id, user_id, phases)^
-- Replaces the phases (and so the task counts) of the user's plan; returns it, or none.
-- @type phases: datalayer.compliance.shapes:PlanPhases
-- @nonnull total_tasks, completed_tasks
UPDATE compliance.implementation_plans
SET phases = :phases::jsonb
WHERE id = :implementation_plan_id
    AND user_id = :user_id
RETURNING id, user_id, business_profile_id, framework_id, title, status, phases, total_tasks, completed_tasks, planned_start_date, planned_end_date, created_at, updated_at;

-- name: update_implementation_plan_status(implementation_plan_id, user_id, status)^
-- Sets the status of the user's plan (not_started, in_progress, completed, on_hold); returns it, or none.
-- @type phases: datalayer.compliance.shapes:PlanPhases
-- @nonnull total_tasks, completed_tasks
UPDATE compliance.implementation_plans
SET status = :status
WHERE id = :implementation_plan_id
    AND user_id = :user_id
RETURNING id, user_id, business_profile_id, framework_id, title, status, phases, total_tasks, completed_tasks, planned_start_date, planned_end_date, created_at, updated_at;

-- name: list_implementation_plan_progress(user_id, business_profile_id)
-- The progress of each implementation plan of the user's business profile: completed and total
-- tasks, the completed share in percent (0 for a plan without tasks), and whether it is overdue
-- (past its planned end and not completed); by framework code, then title.
-- @nonnull framework_code, total_tasks, completed_tasks, progress_percentage, is_overdue
SELECT
    p.id,
    p.framework_id,
    f.code AS framework_code,
    p.title,
    p.status,
    p.total_tasks,
    p.completed_tasks,
    coalesce(round(100.0 * p.completed_tasks / nullif(p.total_tasks, 0), 2), 0)::numeric(5, 2) AS progress_percentage,
    p.planned_start_date,
    p.planned_end_date,
    coalesce(p.planned_end_date < current_date AND p.status <> 'completed', false) AS is_overdue,
    p.updated_at
FROM compliance.implementation_plans AS p
JOIN compliance.compliance_frameworks AS f
    ON f.id = p.framework_id
WHERE p.user_id = :user_id
    AND p.business_profile_id = :business_profile_id
ORDER BY f.code, p.title, p.id;

-- name: get_implementation_plan_by_id(implementation_plan_id, user_id)^
-- The user's implementation plan with its phases and task counts, or none.
-- @type phases: datalayer.compliance.shapes:PlanPhases
-- @nonnull total_tasks, completed_tasks
SELECT id, user_id, business_profile_id, framework_id, title, status, phases, total_tasks, completed_tasks, planned_start_date, planned_end_date, created_at, updated_at
FROM compliance.implementation_plans
WHERE id = :implementation_plan_id
    AND user_id = :user_id;
