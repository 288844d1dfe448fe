-- Legacy daily metrics -> validation.validation_metrics: the date kept as text becomes a date
-- (a day that does not exist is refused); one row per day and technology pair (the older wins).
-- legacy: validation_metrics
-- key: l.id
-- name: refuse
WITH ranked AS (
    SELECT
        m.id,
        row_number() OVER (
            PARTITION BY m.metric_date, lower(btrim(m.source_technology)), lower(btrim(m.target_technology))
            ORDER BY m.created_at, m.id
        ) AS nth
    FROM __legacy__.validation_metrics AS m
)
SELECT
    l.id AS legacy_key,
    CASE
        WHEN pg_temp.adopt_uuid(l.id) IS NULL
            THEN 'id is not a UUID'
        WHEN pg_temp.adopt_date(l.metric_date) IS NULL
            THEN 'metric date is not a day that exists (YYYY-MM-DD)'
        WHEN lower(btrim(l.source_technology)) !~ '^[a-z0-9][a-z0-9_.+#-]{0,49}$'
            OR lower(btrim(l.target_technology)) !~ '^[a-z0-9][a-z0-9_.+#-]{0,49}$'
            THEN 'technology name malformed (validation_metrics_source_technology_length_check)'
        WHEN NOT (l.completed_sessions >= 0 AND l.failed_sessions >= 0 AND l.cancelled_sessions >= 0
            AND l.completed_sessions + l.failed_sessions + l.cancelled_sessions <= l.total_sessions
            AND l.critical_discrepancies >= 0 AND l.warning_discrepancies >= 0 AND l.info_discrepancies >= 0)
            THEN 'counts negative or more finished sessions than sessions (validation_metrics_counts_check)'
        WHEN NOT (l.avg_fidelity_score BETWEEN 0 AND 1) OR scale(l.avg_fidelity_score::numeric) > 4
            THEN 'average fidelity outside 0 to 1 or with more than four decimals (validation_metrics_avg_fidelity_score_check)'
        WHEN scale(l.avg_execution_time_ms::numeric) > 2 OR l.avg_execution_time_ms < 0
            THEN 'average execution time negative or with more than two decimals'
        WHEN ranked.nth > 1
            THEN 'a second row for the day and technologies (validation_metrics_day_technologies_key)'
    END AS reason
FROM __legacy__.validation_metrics AS l
JOIN ranked ON ranked.id = l.id
-- name: convert
INSERT INTO validation.validation_metrics (
    id, metric_date, source_technology, target_technology, total_sessions, completed_sessions,
    failed_sessions, cancelled_sessions, avg_fidelity_score, avg_execution_time_ms,
    critical_discrepancies, warning_discrepancies, info_discrepancies, refreshed_at, created_at,
    updated_at
)
SELECT
    pg_temp.adopt_uuid(l.id),
    pg_temp.adopt_date(l.metric_date),
    lower(btrim(l.source_technology)),
    lower(btrim(l.target_technology)),
    l.total_sessions,
    l.completed_sessions,
    l.failed_sessions,
    l.cancelled_sessions,
    l.avg_fidelity_score::numeric,
    l.avg_execution_time_ms::numeric,
    l.critical_discrepancies,
    l.warning_discrepancies,
    l.info_discrepancies,
    coalesce(l.updated_at AT TIME ZONE 'UTC', now()),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', now())
FROM __legacy__.validation_metrics AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_validation_metrics AS r WHERE r.legacy_key = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.validation_metrics AS l
WHERE EXISTS (SELECT FROM validation.validation_metrics AS n WHERE n.id = pg_temp.adopt_uuid(l.id));
