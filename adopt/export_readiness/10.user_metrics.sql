-- Legacy user metrics -> export_readiness.user_metrics (one row per user; the last activity,
-- when unknown, is the last update).
-- legacy: user_metrics
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN NOT (l.reports_generated >= 0 AND l.certifications_completed >= 0
            AND l.documents_generated >= 0 AND l.action_tasks_completed >= 0)
            THEN 'negative count (user_metrics_counts_check)'
        WHEN NOT (l.cost_savings >= 0 AND l.time_saved_hours >= 0)
            THEN 'negative savings (user_metrics_savings_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_users AS q WHERE q.legacy_key = l.user_id::text)
            THEN 'its user is quarantined'
    END AS reason
FROM __legacy__.user_metrics AS l
-- name: convert
INSERT INTO export_readiness.user_metrics (
    id, user_id, reports_generated, certifications_completed, documents_generated,
    action_tasks_completed, cost_savings, time_saved_hours, last_activity_at, created_at, updated_at
)
SELECT
    l.id,
    l.user_id,
    l.reports_generated,
    l.certifications_completed,
    l.documents_generated,
    l.action_tasks_completed,
    l.cost_savings,
    l.time_saved_hours,
    coalesce(l.last_activity, l.updated_at, l.created_at, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.user_metrics AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_user_metrics AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.user_metrics AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.user_metrics AS l
WHERE EXISTS (SELECT FROM export_readiness.user_metrics AS n WHERE n.id = l.id);
