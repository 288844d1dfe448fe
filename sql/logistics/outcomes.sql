-- name: create_operational_outcome(outcome_code, route_id, actual_cost, actual_duration_minutes, actual_distance_km, total_revenue, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics)^
-- Records what happened on a route through logistics.record_outcome, which copies in the route's
-- estimates and decision and refuses money with more than 4 decimals (CheckViolation
-- operational_outcomes_actual_cost_scale_check, ..._total_revenue_scale_check); returns the
-- outcome with its prediction errors and net profit (generated), or none if the route does not exist.
-- @nonnull id, outcome_code, route_id, estimated_cost, estimated_duration_minutes, estimated_distance_km, actual_cost, actual_duration_minutes, actual_distance_km, cost_prediction_error, duration_prediction_error, distance_prediction_error, total_revenue, net_profit, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics, created_at
-- @nullable decision_id
SELECT id, outcome_code, route_id, decision_id, estimated_cost, estimated_duration_minutes, estimated_distance_km, actual_cost, actual_duration_minutes, actual_distance_km, cost_prediction_error, duration_prediction_error, distance_prediction_error, total_revenue, net_profit, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics, created_at
FROM logistics.record_outcome(:outcome_code, :route_id, :actual_cost, :actual_duration_minutes, :actual_distance_km, :total_revenue, :on_time_deliveries, :late_deliveries, :failed_deliveries, :additional_metrics);

-- name: list_outcomes_by_route(route_id)
-- The outcomes recorded for a route, oldest first.
-- @nonnull cost_prediction_error, duration_prediction_error, distance_prediction_error, net_profit
SELECT id, outcome_code, route_id, decision_id, estimated_cost, estimated_duration_minutes, estimated_distance_km, actual_cost, actual_duration_minutes, actual_distance_km, cost_prediction_error, duration_prediction_error, distance_prediction_error, total_revenue, net_profit, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics, created_at
FROM logistics.operational_outcomes
WHERE route_id = :route_id
ORDER BY created_at, id;

-- name: list_learning_feedback(recorded_from, recorded_until)
-- Prediction error statistics per policy over the outcomes recorded in [recorded_from,
-- recorded_until): count, mean error (bias) and mean absolute error of cost, duration and
-- distance, the standard deviation of the cost error (none with a single outcome), average net
-- profit and the on-time share of deliveries. Outcomes of routes planned by hand have no policy
-- and are left out.
-- @nonnull policy_used, outcome_count, mean_cost_error, mean_abs_cost_error, mean_duration_error, mean_abs_duration_error, mean_distance_error, mean_abs_distance_error, mean_net_profit, on_time_rate
-- @nullable cost_error_stddev
SELECT
    d.policy_used,
    count(*) AS outcome_count,
    round(avg(oc.cost_prediction_error), 4) AS mean_cost_error,
    round(avg(abs(oc.cost_prediction_error)), 4) AS mean_abs_cost_error,
    round(stddev_samp(oc.cost_prediction_error), 4) AS cost_error_stddev,
    round(avg(oc.duration_prediction_error), 2) AS mean_duration_error,
    round(avg(abs(oc.duration_prediction_error)), 2) AS mean_abs_duration_error,
    round(avg(oc.distance_prediction_error), 2) AS mean_distance_error,
    round(avg(abs(oc.distance_prediction_error)), 2) AS mean_abs_distance_error,
    round(avg(oc.net_profit), 4) AS mean_net_profit,
    round(
        coalesce(
            sum(oc.on_time_deliveries)::numeric
            / nullif(sum(oc.on_time_deliveries + oc.late_deliveries + oc.failed_deliveries), 0),
            0
        ),
        4
    ) AS on_time_rate
FROM logistics.operational_outcomes AS oc
JOIN logistics.decisions AS d ON d.id = oc.decision_id
WHERE oc.created_at >= :recorded_from::timestamptz
    AND oc.created_at < :recorded_until::timestamptz
GROUP BY d.policy_used
ORDER BY d.policy_used;
