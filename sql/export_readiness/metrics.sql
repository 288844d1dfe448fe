-- name: upsert_user_metrics(user_id, reports_generated, certifications_completed, documents_generated, action_tasks_completed, cost_savings, time_saved_hours)^
-- Adds to the user's success metrics (creating the row on first use: INSERT ... ON CONFLICT);
-- pass the increments, zero for counters that did not change. Returns the totals.
-- @model UserMetrics
INSERT INTO export_readiness.user_metrics AS m (user_id, reports_generated, certifications_completed, documents_generated, action_tasks_completed, cost_savings, time_saved_hours)
VALUES (:user_id, :reports_generated, :certifications_completed, :documents_generated, :action_tasks_completed, :cost_savings, :time_saved_hours)
ON CONFLICT (user_id) DO UPDATE
SET reports_generated = m.reports_generated + excluded.reports_generated,
    certifications_completed = m.certifications_completed + excluded.certifications_completed,
    documents_generated = m.documents_generated + excluded.documents_generated,
    action_tasks_completed = m.action_tasks_completed + excluded.action_tasks_completed,
    cost_savings = m.cost_savings + excluded.cost_savings,
    time_saved_hours = m.time_saved_hours + excluded.time_saved_hours,
    last_activity_at = now()
RETURNING id, user_id, reports_generated, certifications_completed, documents_generated, action_tasks_completed, cost_savings, time_saved_hours, last_activity_at, created_at, updated_at;

-- name: get_user_metrics(user_id)^
-- The user's success metrics, or none before the first upsert.
-- @model UserMetrics
SELECT id, user_id, reports_generated, certifications_completed, documents_generated, action_tasks_completed, cost_savings, time_saved_hours, last_activity_at, created_at, updated_at
FROM export_readiness.user_metrics
WHERE user_id = :user_id;

-- name: get_metrics_totals()^
-- Platform totals: users with metrics, reports, certifications, documents, tasks, cost and time
-- saved (zeros when there are none). Across all users for reporting (export_readiness_readonly);
-- as the service, the acting user's metrics only (row-level security).
-- @model MetricsTotals
-- @nonnull users, reports_generated, certifications_completed, documents_generated, action_tasks_completed, cost_savings, time_saved_hours
SELECT
    count(*) AS users,
    coalesce(sum(reports_generated), 0)::bigint AS reports_generated,
    coalesce(sum(certifications_completed), 0)::bigint AS certifications_completed,
    coalesce(sum(documents_generated), 0)::bigint AS documents_generated,
    coalesce(sum(action_tasks_completed), 0)::bigint AS action_tasks_completed,
    coalesce(sum(cost_savings), 0)::numeric(19, 4) AS cost_savings,
    coalesce(sum(time_saved_hours), 0)::numeric(12, 2) AS time_saved_hours
FROM export_readiness.user_metrics;
