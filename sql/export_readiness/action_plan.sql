-- name: create_action_plan_tasks(user_id, report_id, tasks)
-- Stores the 7-day action plan of the user's report from a JSON array of tasks (day_number,
-- task_id, task_title, and optionally task_description and category); tasks already stored are
-- kept as they are. Returns the tasks added, by day and task id.
INSERT INTO export_readiness.action_plan_progress (user_id, report_id, day_number, task_id, task_title, task_description, category)
SELECT :user_id, :report_id, t.day_number, t.task_id, t.task_title, t.task_description, coalesce(t.category, 'other')
FROM jsonb_to_recordset(:tasks::jsonb) AS t (day_number integer, task_id text, task_title text, task_description text, category text)
ORDER BY t.day_number, t.task_id
ON CONFLICT (report_id, day_number, task_id) DO NOTHING
RETURNING id, user_id, report_id, day_number, task_id, task_title, task_description, category, completed, completed_at, created_at, updated_at;

-- name: list_action_plan_by_report(report_id, user_id)
-- The action plan of the user's report: every task by day and task id.
SELECT id, user_id, report_id, day_number, task_id, task_title, task_description, category, completed, completed_at, created_at, updated_at
FROM export_readiness.action_plan_progress
WHERE report_id = :report_id
    AND user_id = :user_id
ORDER BY day_number, task_id;

-- name: list_action_plan_days(report_id, user_id)
-- Progress per day of the user's action plan: tasks, tasks done and percentage done, for each day
-- that has tasks.
-- @nonnull tasks_total, tasks_completed, completion_pct
SELECT
    day_number,
    count(*)::int AS tasks_total,
    (count(*) FILTER (WHERE completed))::int AS tasks_completed,
    round(100.0 * count(*) FILTER (WHERE completed) / count(*), 1) AS completion_pct
FROM export_readiness.action_plan_progress
WHERE report_id = :report_id
    AND user_id = :user_id
GROUP BY day_number
ORDER BY day_number;

-- name: update_action_plan_task_completed(report_id, user_id, day_number, task_id, completed)^
-- Marks a task of the user's action plan done (completed = true; completed_at is kept if it was
-- already done) or not done; returns the task, or none if there is no such task.
UPDATE export_readiness.action_plan_progress
SET completed = :completed,
    completed_at = CASE WHEN :completed::boolean THEN coalesce(completed_at, now()) END
WHERE report_id = :report_id
    AND user_id = :user_id
    AND day_number = :day_number
    AND task_id = :task_id
RETURNING id, user_id, report_id, day_number, task_id, task_title, task_description, category, completed, completed_at, created_at, updated_at;
