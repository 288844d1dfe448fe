-- Legacy outcomes -> logistics.operational_outcomes (append-only now). The prediction errors and
-- the net profit were stored; they are computed columns now, so an outcome converts only when
-- its stored figures equal what the new schema computes from it (nothing is silently changed).
-- Its decision must be its route's (operational_outcomes_decision_id_fkey).
-- legacy: operational_outcomes
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.outcome_id IS NULL OR l.outcome_id !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
            THEN 'outcome code malformed (operational_outcomes_outcome_code_check)'
        WHEN l.decision_id IS DISTINCT FROM r.decision_id AND l.decision_id IS NOT NULL
            THEN 'its decision is not its route''s (operational_outcomes_decision_id_fkey)'
        WHEN NOT (l.estimated_cost >= 0 AND l.estimated_duration >= 0 AND l.estimated_distance >= 0
            AND l.actual_cost >= 0 AND l.actual_duration >= 0 AND l.actual_distance >= 0)
            THEN 'negative estimate or actual figure (operational_outcomes_actuals_check)'
        WHEN scale(l.estimated_cost::numeric) > 4 OR scale(l.actual_cost::numeric) > 4
            OR scale(l.total_revenue::numeric) > 4 OR scale(l.estimated_distance::numeric) > 2
            OR scale(l.actual_distance::numeric) > 2
            THEN 'amount with more decimals than the new columns keep'
        WHEN l.cost_prediction_error::numeric IS DISTINCT FROM l.actual_cost::numeric - l.estimated_cost::numeric
            THEN 'stored cost prediction error differs from actual minus estimated cost'
        WHEN l.net_profit::numeric IS DISTINCT FROM l.total_revenue::numeric - l.actual_cost::numeric
            THEN 'stored net profit differs from revenue minus actual cost'
        WHEN NOT (l.total_revenue >= 0)
            THEN 'negative revenue (operational_outcomes_total_revenue_check)'
        WHEN NOT (l.on_time_deliveries >= 0 AND l.late_deliveries >= 0 AND l.failed_deliveries >= 0)
            THEN 'negative delivery count (operational_outcomes_deliveries_check)'
        WHEN l.additional_metrics IS NOT NULL AND json_typeof(l.additional_metrics) <> 'object'
            THEN 'additional metrics is not a JSON object (operational_outcomes_additional_metrics_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_routes AS q WHERE q.legacy_key = l.route_id::text)
            THEN 'its route is quarantined'
    END AS reason
FROM __legacy__.operational_outcomes AS l
JOIN __legacy__.routes AS r ON r.id = l.route_id
-- name: convert
INSERT INTO logistics.operational_outcomes (
    id, outcome_code, route_id, decision_id, estimated_cost, estimated_duration_minutes,
    estimated_distance_km, actual_cost, actual_duration_minutes, actual_distance_km,
    total_revenue, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics,
    created_at
)
SELECT
    md5('senga.operational_outcomes.' || l.id)::uuid,
    l.outcome_id,
    md5('senga.routes.' || l.route_id)::uuid,
    CASE WHEN l.decision_id IS NOT NULL THEN md5('senga.decisions.' || l.decision_id)::uuid END,
    l.estimated_cost::numeric,
    l.estimated_duration,
    l.estimated_distance::numeric,
    l.actual_cost::numeric,
    l.actual_duration,
    l.actual_distance::numeric,
    l.total_revenue::numeric,
    l.on_time_deliveries,
    l.late_deliveries,
    l.failed_deliveries,
    coalesce(l.additional_metrics::jsonb, '{}'),
    coalesce(l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.operational_outcomes AS l
WHERE NOT EXISTS (
    SELECT FROM pg_temp.adopt_refused_operational_outcomes AS r WHERE r.legacy_key = l.id::text
)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.operational_outcomes AS l
WHERE EXISTS (
    SELECT FROM logistics.operational_outcomes AS n
    WHERE n.id = md5('senga.operational_outcomes.' || l.id)::uuid
);
