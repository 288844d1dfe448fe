-- name: list_user_dashboard(user_id)
-- The user's reports, newest first, each with its certification progress (certifications tracked,
-- completed, percentage) and action-plan completion (tasks, done, percentage; 0 when none).
-- @nonnull certifications_total, certifications_completed, certification_progress_pct
-- @nonnull action_tasks_total, action_tasks_completed, action_plan_completion_pct
SELECT
    r.id AS report_id,
    r.product_name,
    r.hs_code,
    r.destination_country,
    r.risk_score,
    r.status,
    r.created_at,
    c.total AS certifications_total,
    c.completed AS certifications_completed,
    CASE WHEN c.total = 0 THEN 0 ELSE round(100.0 * c.completed / c.total, 1) END AS certification_progress_pct,
    a.total AS action_tasks_total,
    a.completed AS action_tasks_completed,
    CASE WHEN a.total = 0 THEN 0 ELSE round(100.0 * a.completed / a.total, 1) END AS action_plan_completion_pct
FROM export_readiness.reports AS r
CROSS JOIN LATERAL (
    SELECT
        count(*)::int AS total,
        (count(*) FILTER (WHERE cp.status = 'completed'))::int AS completed
    FROM export_readiness.certification_progress AS cp
    WHERE cp.report_id = r.id
) AS c
CROSS JOIN LATERAL (
    SELECT
        count(*)::int AS total,
        (count(*) FILTER (WHERE ap.completed))::int AS completed
    FROM export_readiness.action_plan_progress AS ap
    WHERE ap.report_id = r.id
) AS a
WHERE r.user_id = :user_id
ORDER BY r.created_at DESC, r.id;
