-- Legacy route stops -> logistics.route_stops and logistics.route_stop_orders. An old stop listed
-- the orders it serves as a JSON array of codes (a pickup at the depot for all of a route's
-- orders, a delivery for one); it becomes ONE stop (the new id: md5('senga.route_stops.<id>'))
-- serving those orders through route_stop_orders, one row per listed order (each on the stop's
-- route: route_stop_orders_order_id_fkey). Stops are numbered along the route in their old order.
-- A route's stops convert together or not at all, so the numbering never changes between runs;
-- a stop converts only when every order it lists does (a relation is never converted half).
-- legacy: route_stops
-- key: l.id
-- name: refuse
WITH listed AS (
    SELECT s.id AS stop_id, s.route_id, e.value #>> '{}' AS code
    FROM __legacy__.route_stops AS s
    CROSS JOIN LATERAL json_array_elements(
        CASE WHEN json_typeof(s.order_ids) = 'array' THEN s.order_ids ELSE '[]'::json END
    ) AS e (value)
),
own AS (
    SELECT
        s.id,
        bool_or(o.id IS NULL) AS names_missing,
        bool_or(o.id IS NOT NULL AND o.assigned_route_id IS DISTINCT FROM s.route_id) AS names_other,
        count(listed.code) <> count(DISTINCT listed.code) AS names_twice,
        bool_or(ro.legacy_key IS NOT NULL) AS order_refused
    FROM __legacy__.route_stops AS s
    JOIN listed ON listed.stop_id = s.id
    LEFT JOIN __legacy__.orders AS o ON o.order_id = listed.code
    LEFT JOIN pg_temp.adopt_refused_orders AS ro ON ro.legacy_key = o.id::text
    GROUP BY s.id
),
reasons AS (
    SELECT
        l.id,
        l.route_id,
        CASE
            WHEN l.order_ids IS NULL OR json_typeof(l.order_ids) <> 'array'
                OR json_array_length(l.order_ids) = 0
                OR EXISTS (SELECT FROM json_array_elements(l.order_ids) AS e WHERE json_typeof(e) <> 'string')
                THEN 'order_ids is not a non-empty JSON list of order codes (route_stops_orders_check)'
            WHEN own.names_missing
                THEN 'order_ids names an order that does not exist (route_stop_orders_order_id_fkey)'
            WHEN own.names_other
                THEN 'order_ids names an order on another route (route_stop_orders_order_id_fkey)'
            WHEN own.names_twice
                THEN 'order_ids names an order twice (route_stop_orders_pkey)'
            WHEN l.stop_type IS NULL OR l.stop_type NOT IN ('pickup', 'delivery')
                THEN 'stop type outside pickup, delivery (route_stop_orders_stop_type_check)'
            WHEN l.sequence_order IS NULL OR l.sequence_order < 1
                THEN 'sequence not positive (route_stops_sequence_order_check)'
            WHEN NOT coalesce(
                json_typeof(l.location) = 'object'
                AND json_typeof(l.location -> 'latitude') = 'number'
                AND json_typeof(l.location -> 'longitude') = 'number'
                AND (l.location ->> 'latitude')::float8 BETWEEN -90 AND 90
                AND (l.location ->> 'longitude')::float8 BETWEEN -180 AND 180, false)
                OR length(l.location ->> 'address') > 500
                THEN 'location is not a latitude and longitude in range (route_stops_latitude_check)'
            WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_routes AS r WHERE r.legacy_key = l.route_id::text)
                THEN 'its route is quarantined'
            WHEN own.order_refused
                THEN 'an order of the stop is quarantined'
        END AS reason
    FROM __legacy__.route_stops AS l
    LEFT JOIN own ON own.id = l.id
),
broken_routes AS (
    SELECT reasons.route_id FROM reasons WHERE reasons.reason IS NOT NULL
    UNION
    SELECT other.route_id
    FROM __legacy__.route_stops AS other
    JOIN pg_temp.adopt_refused_route_stops AS r ON r.legacy_key = other.id::text
)
SELECT
    reasons.id::text AS legacy_key,
    coalesce(
        reasons.reason,
        CASE WHEN broken_routes.route_id IS NOT NULL THEN 'another stop of its route is quarantined' END
    ) AS reason
FROM reasons
LEFT JOIN broken_routes ON broken_routes.route_id = reasons.route_id
-- name: convert
CREATE TEMPORARY TABLE adopt_new_route_stops ON COMMIT DROP AS
SELECT
    s.id AS legacy_id,
    md5('senga.route_stops.' || s.id)::uuid AS id,
    md5('senga.routes.' || s.route_id)::uuid AS route_id,
    s.stop_type,
    row_number() OVER (PARTITION BY s.route_id ORDER BY s.sequence_order, s.id)::integer AS sequence_order,
    s.location,
    s.estimated_arrival,
    s.actual_arrival,
    s.order_ids
FROM __legacy__.route_stops AS s
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_route_stops AS r WHERE r.legacy_key = s.id::text)
    AND NOT EXISTS (
        SELECT FROM logistics.route_stops AS n WHERE n.route_id = md5('senga.routes.' || s.route_id)::uuid
    );
INSERT INTO logistics.route_stops (
    id, route_id, stop_type, sequence_order, latitude, longitude, address,
    estimated_arrival_at, actual_arrival_at, created_at, updated_at
)
SELECT
    s.id,
    s.route_id,
    s.stop_type,
    s.sequence_order,
    (s.location ->> 'latitude')::float8,
    (s.location ->> 'longitude')::float8,
    s.location ->> 'address',
    s.estimated_arrival AT TIME ZONE 'UTC',
    s.actual_arrival AT TIME ZONE 'UTC',
    now(),
    now()
FROM pg_temp.adopt_new_route_stops AS s;
INSERT INTO logistics.route_stop_orders (route_stop_id, order_id, route_id, stop_type)
SELECT s.id, md5('senga.orders.' || o.id)::uuid, s.route_id, s.stop_type
FROM pg_temp.adopt_new_route_stops AS s
CROSS JOIN LATERAL json_array_elements_text(s.order_ids) AS e (code)
JOIN __legacy__.orders AS o ON o.order_id = e.code;
DROP TABLE pg_temp.adopt_new_route_stops
-- name: converted
SELECT count(*)
FROM __legacy__.route_stops AS l
WHERE EXISTS (SELECT FROM logistics.route_stops AS n WHERE n.id = md5('senga.route_stops.' || l.id)::uuid);
