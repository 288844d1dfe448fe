-- Legacy certification progress -> export_readiness.certification_progress: its user must be its
-- report's (certification_progress_report_id_fkey); one row per report and certification.
-- legacy: certification_progress
-- key: l.id
-- name: refuse
WITH ranked AS (
    SELECT c.id, row_number() OVER (PARTITION BY c.report_id, c.certification_id ORDER BY c.created_at, c.id) AS nth
    FROM __legacy__.certification_progress AS c
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN r.user_id IS DISTINCT FROM l.user_id
            THEN 'its user is not its report''s (certification_progress_report_id_fkey)'
        WHEN l.certification_id IS NULL OR l.certification_id !~ '^[a-z0-9][a-z0-9_-]{0,63}$'
            THEN 'certification id malformed (certification_progress_certification_id_check)'
        WHEN length(btrim(coalesce(l.certification_name, ''))) NOT BETWEEN 1 AND 200
            THEN 'certification name empty or longer than 200 (certification_progress_certification_name_check)'
        WHEN l.status NOT IN ('not_started', 'in_progress', 'submitted', 'completed', 'rejected') OR l.status IS NULL
            THEN 'status outside the known values (certification_progress_status_check)'
        WHEN (l.status = 'completed') <> (l.completed_at IS NOT NULL)
            OR (l.status <> 'not_started' AND l.started_at IS NULL)
            THEN 'start or completion time disagrees with the status (certification_progress_completed_at_check)'
        WHEN l.documents_completed IS NOT NULL AND jsonb_typeof(l.documents_completed) <> 'array'
            THEN 'documents completed is not a JSON list (certification_progress_documents_completed_check)'
        WHEN l.estimated_cost < 0
            THEN 'negative cost (certification_progress_estimated_cost_check)'
        WHEN ranked.nth > 1
            THEN 'a second row for the report and certification (certification_progress_report_id_certification_id_key)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_reports AS q WHERE q.legacy_key = l.report_id::text)
            THEN 'its report is quarantined'
    END AS reason
FROM __legacy__.certification_progress AS l
JOIN ranked ON ranked.id = l.id
LEFT JOIN __legacy__.reports AS r ON r.id = l.report_id
-- name: convert
INSERT INTO export_readiness.certification_progress (
    id, user_id, report_id, certification_id, certification_name, status, documents_completed,
    notes, estimated_cost, started_at, completed_at, created_at, updated_at
)
SELECT
    l.id,
    l.user_id,
    l.report_id,
    l.certification_id,
    btrim(l.certification_name),
    l.status,
    coalesce(l.documents_completed, '[]'),
    l.notes,
    l.estimated_cost,
    l.started_at AT TIME ZONE 'UTC',
    l.completed_at AT TIME ZONE 'UTC',
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.certification_progress AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_certification_progress AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.certification_progress AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.certification_progress AS l
WHERE EXISTS (SELECT FROM export_readiness.certification_progress AS n WHERE n.id = l.id);
