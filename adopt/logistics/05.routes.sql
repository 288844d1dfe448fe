-- Legacy routes -> logistics.routes. The route's JSON list of order codes (order_ids) and the
-- orders' assigned_route_id said the same thing twice; the new schema keeps only the orders'
-- foreign key, so a route converts only when both agree (and its list names existing orders).
-- destination_cities is likewise the cities of its orders and is not stored. The planned window
-- (start_time, end_time) becomes period; a vehicle's planned or in-progress routes may not
-- overlap, and a route's load must fit its vehicle.
-- legacy: routes
-- key: l.id
-- name: refuse
WITH listed AS (
    SELECT r.id AS route_id, e.value #>> '{}' AS code
    FROM __legacy__.routes AS r
    CROSS JOIN LATERAL json_array_elements(
        CASE WHEN json_typeof(r.order_ids) = 'array' THEN r.order_ids ELSE '[]'::json END
    ) AS e (value)
),
malformed AS (
    SELECT r.id
    FROM __legacy__.routes AS r
    WHERE r.order_ids IS NULL OR json_typeof(r.order_ids) <> 'array'
    UNION
    SELECT r.id
    FROM __legacy__.routes AS r
    CROSS JOIN LATERAL json_array_elements(
        CASE WHEN json_typeof(r.order_ids) = 'array' THEN r.order_ids ELSE '[]'::json END
    ) AS e (value)
    WHERE json_typeof(e.value) <> 'string'
),
missing AS (
    SELECT DISTINCT listed.route_id
    FROM listed
    LEFT JOIN __legacy__.orders AS o ON o.order_id = listed.code
    WHERE o.id IS NULL
),
disagree AS (
    SELECT o.assigned_route_id AS route_id
    FROM __legacy__.orders AS o
    LEFT JOIN listed ON listed.route_id = o.assigned_route_id AND listed.code = o.order_id
    WHERE o.assigned_route_id IS NOT NULL AND listed.route_id IS NULL
    UNION
    SELECT listed.route_id
    FROM listed
    JOIN __legacy__.orders AS o ON o.order_id = listed.code
    WHERE o.assigned_route_id IS DISTINCT FROM listed.route_id
),
carried AS (
    SELECT
        o.assigned_route_id AS route_id,
        sum(o.weight_tonnes::numeric) FILTER (WHERE o.status::text <> 'CANCELLED') AS weight,
        sum(o.volume_m3::numeric) FILTER (WHERE o.status::text <> 'CANCELLED') AS volume,
        array_agg(DISTINCT initcap(lower(o.destination_city::text)) ORDER BY initcap(lower(o.destination_city::text))) AS cities
    FROM __legacy__.orders AS o
    WHERE o.assigned_route_id IS NOT NULL
    GROUP BY o.assigned_route_id
),
overlapping AS (
    SELECT DISTINCT b.id
    FROM __legacy__.routes AS a
    JOIN __legacy__.routes AS b
        ON b.vehicle_id = a.vehicle_id
        AND (a.start_time, a.id) < (b.start_time, b.id)
        AND a.start_time < b.end_time
        AND b.start_time < a.end_time
    WHERE a.status::text IN ('PLANNED', 'IN_PROGRESS') AND b.status::text IN ('PLANNED', 'IN_PROGRESS')
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.route_id IS NULL OR l.route_id !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
            THEN 'route code malformed (routes_route_code_check)'
        WHEN malformed.id IS NOT NULL
            THEN 'order_ids is not a JSON list of order codes'
        WHEN missing.route_id IS NOT NULL
            THEN 'order_ids names an order that does not exist'
        WHEN disagree.route_id IS NOT NULL
            THEN 'order_ids disagrees with the orders assigned to the route'
        WHEN l.destination_cities IS NOT NULL AND (
            json_typeof(l.destination_cities) <> 'array'
            OR (
                SELECT array_agg(DISTINCT c.value ORDER BY c.value)
                FROM json_array_elements_text(l.destination_cities) AS c (value)
            ) IS DISTINCT FROM carried.cities
        )
            THEN 'destination_cities disagrees with the cities of its orders'
        WHEN l.start_time IS NULL OR l.end_time IS NULL OR l.start_time >= l.end_time
            THEN 'no planned window with its start before its end (routes_period_check)'
        WHEN overlapping.id IS NOT NULL
            THEN 'overlaps an earlier planned or in-progress route of its vehicle (routes_vehicle_id_period_excl)'
        WHEN NOT (l.total_distance_km >= 0 AND l.estimated_duration_minutes >= 0 AND l.estimated_cost_kes >= 0)
            OR scale(l.total_distance_km::numeric) > 2 OR scale(l.estimated_cost_kes::numeric) > 4
            THEN 'estimate negative or with too many decimals (routes_estimates_check)'
        WHEN l.actual_distance_km < 0 OR l.actual_duration_minutes < 0 OR l.actual_cost_kes < 0
            OR scale(l.actual_distance_km::numeric) > 2 OR scale(l.actual_cost_kes::numeric) > 4
            THEN 'actual figure negative or with too many decimals (routes_actuals_check)'
        WHEN l.status::text = 'COMPLETED' AND (l.actual_distance_km IS NULL
            OR l.actual_duration_minutes IS NULL OR l.actual_cost_kes IS NULL)
            THEN 'completed without its actual figures (routes_completed_actuals_check)'
        WHEN (l.status::text = 'COMPLETED') <> (l.completed_at IS NOT NULL)
            OR (l.status::text IN ('IN_PROGRESS', 'COMPLETED') AND l.started_at IS NULL)
            OR l.completed_at < l.started_at
            THEN 'start and completion times disagree with the status (routes_completed_at_check)'
        WHEN carried.weight > v.capacity_weight_tonnes::numeric OR carried.volume > v.capacity_volume_m3::numeric
            THEN 'its orders weigh or fill more than its vehicle takes (routes_capacity_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_vehicles AS r WHERE r.legacy_key = l.vehicle_id::text)
            THEN 'its vehicle is quarantined'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_decisions AS r WHERE r.legacy_key = l.decision_id::text)
            THEN 'its decision is quarantined'
    END AS reason
FROM __legacy__.routes AS l
JOIN __legacy__.vehicles AS v ON v.id = l.vehicle_id
LEFT JOIN malformed ON malformed.id = l.id
LEFT JOIN missing ON missing.route_id = l.id
LEFT JOIN (SELECT DISTINCT route_id FROM disagree) AS disagree ON disagree.route_id = l.id
LEFT JOIN carried ON carried.route_id = l.id
LEFT JOIN overlapping ON overlapping.id = l.id
-- name: convert
INSERT INTO logistics.routes (
    id, route_code, vehicle_id, decision_id, status, period, total_distance_km,
    estimated_duration_minutes, estimated_cost_kes, actual_distance_km, actual_duration_minutes,
    actual_cost_kes, started_at, completed_at, created_at, updated_at
)
SELECT
    md5('senga.routes.' || l.id)::uuid,
    l.route_id,
    md5('senga.vehicles.' || l.vehicle_id)::uuid,
    CASE WHEN l.decision_id IS NOT NULL THEN md5('senga.decisions.' || l.decision_id)::uuid END,
    lower(l.status::text),
    tstzrange(l.start_time AT TIME ZONE 'UTC', l.end_time AT TIME ZONE 'UTC'),
    l.total_distance_km::numeric,
    l.estimated_duration_minutes,
    l.estimated_cost_kes::numeric,
    l.actual_distance_km::numeric,
    l.actual_duration_minutes,
    l.actual_cost_kes::numeric,
    l.started_at AT TIME ZONE 'UTC',
    l.completed_at AT TIME ZONE 'UTC',
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.routes AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_routes AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.routes AS l
WHERE EXISTS (SELECT FROM logistics.routes AS n WHERE n.id = md5('senga.routes.' || l.id)::uuid);
