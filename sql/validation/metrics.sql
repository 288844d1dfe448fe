-- name: update_validation_metrics(from_day, to_day)$
-- Recomputes validation_metrics for the UTC days from_day..to_day (inclusive) in the database;
-- returns how many metrics rows were written.
-- @nonnull refresh_validation_metrics
SELECT validation.refresh_validation_metrics(:from_day::date, :to_day::date);

-- name: list_validation_metrics(from_day, to_day)
-- The metrics rows of the UTC days from_day..to_day, by day then technology pair.
SELECT id, metric_date, source_technology, target_technology, total_sessions, completed_sessions, failed_sessions, cancelled_sessions, avg_fidelity_score, avg_execution_time_ms, critical_discrepancies, warning_discrepancies, info_discrepancies, refreshed_at
FROM validation.validation_metrics
WHERE metric_date BETWEEN :from_day::date AND :to_day::date
ORDER BY metric_date, source_technology, target_technology;
