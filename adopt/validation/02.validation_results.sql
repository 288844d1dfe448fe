-- Legacy results -> validation.validation_results (one per session now: of two, the older
-- converts). The float score converts when exact at four decimals.
-- legacy: validation_results
-- key: l.id
-- name: refuse
WITH ranked AS (
    SELECT r.id, row_number() OVER (PARTITION BY r.session_id ORDER BY r.created_at, r.id) AS nth
    FROM __legacy__.validation_results AS r
)
SELECT
    l.id AS legacy_key,
    CASE
        WHEN pg_temp.adopt_uuid(l.id) IS NULL
            THEN 'id is not a UUID'
        WHEN s.id IS NULL
            THEN 'orphan: its session does not exist (validation_results_session_id_fkey)'
        WHEN l.overall_status IS NULL OR l.overall_status NOT IN ('approved', 'approved_with_warnings', 'rejected', 'error')
            THEN 'overall status outside approved, approved_with_warnings, rejected, error (validation_results_overall_status_check)'
        WHEN NOT (l.fidelity_score BETWEEN 0 AND 1) OR scale(l.fidelity_score::numeric) > 4
            THEN 'fidelity score outside 0 to 1 or with more than four decimals (validation_results_fidelity_score_check)'
        WHEN length(btrim(coalesce(l.summary, ''))) NOT BETWEEN 1 AND 20000
            THEN 'summary empty or longer than 20000 (validation_results_summary_check)'
        WHEN l.execution_time_ms IS NULL OR l.execution_time_ms < 0
            THEN 'no execution time, or a negative one (validation_results_execution_time_ms_check)'
        WHEN ranked.nth > 1
            THEN 'a second result for its session (validation_results_session_id_key)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_validation_sessions AS r WHERE r.legacy_key = l.session_id)
            THEN 'its session is quarantined'
    END AS reason
FROM __legacy__.validation_results AS l
JOIN ranked ON ranked.id = l.id
LEFT JOIN __legacy__.validation_sessions AS s ON s.id = l.session_id
-- name: convert
INSERT INTO validation.validation_results (
    id, session_id, overall_status, fidelity_score, summary, execution_time_ms, created_at, updated_at
)
SELECT
    pg_temp.adopt_uuid(l.id),
    pg_temp.adopt_uuid(l.session_id),
    l.overall_status,
    l.fidelity_score::numeric,
    l.summary,
    l.execution_time_ms,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.validation_results AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_validation_results AS r WHERE r.legacy_key = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.validation_results AS l
WHERE EXISTS (SELECT FROM validation.validation_results AS n WHERE n.id = pg_temp.adopt_uuid(l.id));
