-- Legacy 7-day action plan tasks -> export_readiness.action_plan_progress: its user must be its
-- report's; a null category becomes 'other'; a completed task without its time gets its last
-- update; one row per report, day and task.
-- legacy: action_plan_progress
-- key: l.id
-- name: refuse
WITH ranked AS (
    SELECT a.id, row_number() OVER (PARTITION BY a.report_id, a.day_number, a.task_id ORDER BY a.created_at, a.id) AS nth
    FROM __legacy__.action_plan_progress AS a
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN r.user_id IS DISTINCT FROM l.user_id
            THEN 'its user is not its report''s (action_plan_progress_report_id_fkey)'
        WHEN l.day_number NOT BETWEEN 1 AND 7 OR l.day_number IS NULL
            THEN 'day outside 1 to 7 (action_plan_progress_day_number_check)'
        WHEN l.task_id IS NULL OR l.task_id !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
            THEN 'task id malformed (action_plan_progress_task_id_check)'
        WHEN length(btrim(coalesce(l.task_title, ''))) NOT BETWEEN 1 AND 300 OR length(l.task_description) > 2000
            THEN 'task title empty or too long, or description longer than 2000 (action_plan_progress_task_title_check)'
        WHEN coalesce(l.category, 'other') NOT IN ('registration', 'certification', 'documentation', 'logistics', 'finance', 'compliance', 'other')
            THEN 'category outside the known categories (action_plan_progress_category_check)'
        WHEN NOT coalesce(l.completed, false) AND l.completed_at IS NOT NULL
            THEN 'a completion time on a task not completed (action_plan_progress_completed_at_check)'
        WHEN ranked.nth > 1
            THEN 'a second row for the report, day and task (action_plan_progress_report_id_day_number_task_id_key)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_reports AS q WHERE q.legacy_key = l.report_id::text)
            THEN 'its report is quarantined'
    END AS reason
FROM __legacy__.action_plan_progress AS l
JOIN ranked ON ranked.id = l.id
LEFT JOIN __legacy__.reports AS r ON r.id = l.report_id
-- name: convert
INSERT INTO export_readiness.action_plan_progress (
    id, user_id, report_id, day_number, task_id, task_title, task_description, category,
    completed, completed_at, created_at, updated_at
)
SELECT
    l.id,
    l.user_id,
    l.report_id,
    l.day_number,
    l.task_id,
    btrim(l.task_title),
    l.task_description,
    coalesce(l.category, 'other'),
    coalesce(l.completed, false),
    CASE WHEN l.completed THEN coalesce(l.completed_at, l.updated_at, l.created_at) AT TIME ZONE 'UTC' END,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.action_plan_progress AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_action_plan_progress AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.action_plan_progress AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.action_plan_progress AS l
WHERE EXISTS (SELECT FROM export_readiness.action_plan_progress AS n WHERE n.id = l.id);
