-- name: list_discrepancy_trends(created_from, created_to)
-- Discrepancies of live sessions per ISO week (Monday, UTC) and severity, for discrepancies
-- created in [created_from, created_to); weeks and severities without any are left out.
-- @nonnull week_start, severity, discrepancies
SELECT (date_trunc('week', d.created_at AT TIME ZONE 'UTC'))::date AS week_start,
       d.severity,
       count(*)::int AS discrepancies
FROM validation.discrepancies AS d
JOIN validation.validation_results AS r ON r.id = d.result_id
JOIN validation.validation_sessions AS s ON s.id = r.session_id
WHERE s.deleted_at IS NULL
    AND d.created_at >= :created_from::timestamptz
    AND d.created_at < :created_to::timestamptz
GROUP BY 1, d.severity
ORDER BY 1, array_position(ARRAY['critical', 'warning', 'info'], d.severity);

-- name: list_success_rates_by_technology(created_from)
-- Per technology pair, over live sessions created since created_from (all when None) that have
-- finished: how many finished, completed, failed and were cancelled, and the success rate
-- completed / finished (0 to 1, four decimals). Highest volume first.
-- @param created_from: datetime | None
-- @nonnull source_technology, target_technology, finished_sessions, completed_sessions, failed_sessions, cancelled_sessions, success_rate
SELECT source_technology,
       target_technology,
       count(*)::int AS finished_sessions,
       count(*) FILTER (WHERE status = 'completed')::int AS completed_sessions,
       count(*) FILTER (WHERE status = 'failed')::int AS failed_sessions,
       count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled_sessions,
       round(count(*) FILTER (WHERE status = 'completed')::numeric / count(*), 4) AS success_rate
FROM validation.validation_sessions
WHERE deleted_at IS NULL
    AND status IN ('completed', 'failed', 'cancelled')
    AND created_at >= (SELECT coalesce(:created_from::timestamptz, '-infinity'))
GROUP BY source_technology, target_technology
ORDER BY count(*) DESC, source_technology, target_technology;

-- name: get_result_statistics(created_from)^
-- Over the results of live sessions created since created_from (all when None): how many, by
-- overall status, and the mean, minimum, median and maximum fidelity score and mean execution
-- time (the averages are null when there are no results). Always one row.
-- @param created_from: datetime | None
-- @nonnull results, approved, approved_with_warnings, rejected, errored
-- @nullable avg_fidelity_score, min_fidelity_score, median_fidelity_score, max_fidelity_score, avg_execution_time_ms
SELECT count(*)::int AS results,
       count(*) FILTER (WHERE r.overall_status = 'approved')::int AS approved,
       count(*) FILTER (WHERE r.overall_status = 'approved_with_warnings')::int AS approved_with_warnings,
       count(*) FILTER (WHERE r.overall_status = 'rejected')::int AS rejected,
       count(*) FILTER (WHERE r.overall_status = 'error')::int AS errored,
       round(avg(r.fidelity_score), 4) AS avg_fidelity_score,
       min(r.fidelity_score) AS min_fidelity_score,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY r.fidelity_score))::numeric, 4) AS median_fidelity_score,
       max(r.fidelity_score) AS max_fidelity_score,
       round(avg(r.execution_time_ms), 2) AS avg_execution_time_ms
FROM validation.validation_results AS r
JOIN validation.validation_sessions AS s ON s.id = r.session_id
WHERE s.deleted_at IS NULL
    AND s.created_at >= (SELECT coalesce(:created_from::timestamptz, '-infinity'));
