-- Legacy decisions -> logistics.decisions. committed_at and executed_at did not exist: they take
-- the decision's creation time. routes_created and orders_routed (JSON lists of codes) are kept
-- in state_snapshot under legacy_routes_created and legacy_orders_routed; the relation itself is
-- routes.decision_id.
-- legacy: decisions
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.decision_id IS NULL OR l.decision_id !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
            THEN 'decision code malformed (decisions_decision_code_check)'
        WHEN l.decision_type IS NULL OR l.decision_type !~ '^[a-z][a-z0-9_]{0,49}$'
            THEN 'decision type is not a lower-case identifier (decisions_decision_type_check)'
        WHEN lower(l.policy_used) NOT IN ('pfa', 'cfa', 'vfa', 'dla', 'hybrid') OR l.policy_used IS NULL
            THEN 'policy outside pfa, cfa, vfa, dla, hybrid (decisions_policy_used_check)'
        WHEN l.state_snapshot IS NOT NULL AND json_typeof(l.state_snapshot) <> 'object'
            THEN 'state snapshot is not a JSON object (decisions_state_snapshot_check)'
        WHEN (l.routes_created IS NOT NULL AND (json_typeof(l.routes_created) <> 'array'
                OR EXISTS (SELECT FROM json_array_elements(l.routes_created) AS e WHERE json_typeof(e) <> 'string')))
            OR (l.orders_routed IS NOT NULL AND (json_typeof(l.orders_routed) <> 'array'
                OR EXISTS (SELECT FROM json_array_elements(l.orders_routed) AS e WHERE json_typeof(e) <> 'string')))
            THEN 'routes_created or orders_routed is not a JSON list of codes'
        WHEN octet_length(l.state_snapshot::text) + coalesce(octet_length(l.routes_created::text), 0)
            + coalesce(octet_length(l.orders_routed::text), 0) > 1048000
            THEN 'state snapshot larger than 1 MB (decisions_state_snapshot_length_check)'
        WHEN l.total_cost_estimate < 0 OR scale(l.total_cost_estimate::numeric) > 4
            THEN 'cost estimate negative or with more than four decimals (decisions_total_cost_estimate_check)'
        WHEN l.decision_confidence NOT BETWEEN 0 AND 1 OR scale(l.decision_confidence::numeric) > 3
            THEN 'confidence outside 0 to 1 or with more than three decimals (decisions_decision_confidence_check)'
        WHEN l.computation_time_ms < 0
            THEN 'negative computation time (decisions_computation_time_ms_check)'
        WHEN coalesce(l.executed, false) AND NOT coalesce(l.committed, false)
            THEN 'executed but never committed (decisions_executed_check)'
    END AS reason
FROM __legacy__.decisions AS l
-- name: convert
INSERT INTO logistics.decisions (
    id, decision_code, decision_type, policy_used, state_snapshot, total_cost_estimate,
    decision_confidence, computation_time_ms, committed, committed_at, executed, executed_at,
    created_at, updated_at
)
SELECT
    md5('senga.decisions.' || l.id)::uuid,
    l.decision_id,
    l.decision_type,
    lower(l.policy_used),
    coalesce(l.state_snapshot::jsonb, '{}') || jsonb_strip_nulls(jsonb_build_object(
        'legacy_routes_created', l.routes_created::jsonb,
        'legacy_orders_routed', l.orders_routed::jsonb
    )),
    l.total_cost_estimate::numeric,
    l.decision_confidence::numeric,
    l.computation_time_ms,
    coalesce(l.committed, false),
    CASE WHEN l.committed THEN coalesce(l.created_at AT TIME ZONE 'UTC', now()) END,
    coalesce(l.executed, false),
    CASE WHEN l.executed THEN coalesce(l.created_at AT TIME ZONE 'UTC', now()) END,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.decisions AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_decisions AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.decisions AS l
WHERE EXISTS (SELECT FROM logistics.decisions AS n WHERE n.id = md5('senga.decisions.' || l.id)::uuid);
