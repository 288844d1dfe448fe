-- name: create_route(route_code, vehicle_id, decision_id, period_start, period_end, total_distance_km, estimated_duration_minutes, estimated_cost_kes)^
-- Plans a route for a vehicle over [period_start, period_end); returns it. A vehicle's planned
-- and in-progress routes cannot overlap (ExclusionViolation routes_vehicle_id_period_excl).
-- @param decision_id: UUID | None
-- @nonnull period_start, period_end
INSERT INTO logistics.routes (route_code, vehicle_id, decision_id, period, total_distance_km, estimated_duration_minutes, estimated_cost_kes)
VALUES (:route_code, :vehicle_id, :decision_id, tstzrange(:period_start::timestamptz, :period_end::timestamptz), :total_distance_km, :estimated_duration_minutes, :estimated_cost_kes)
RETURNING id, route_code, vehicle_id, decision_id, status, lower(period) AS period_start, upper(period) AS period_end, total_distance_km, estimated_duration_minutes, estimated_cost_kes, actual_distance_km, actual_duration_minutes, actual_cost_kes, started_at, completed_at, created_at, updated_at;

-- name: get_route_by_id(route_id)^
-- The route with this id, or none.
-- @nonnull period_start, period_end
SELECT id, route_code, vehicle_id, decision_id, status, lower(period) AS period_start, upper(period) AS period_end, total_distance_km, estimated_duration_minutes, estimated_cost_kes, actual_distance_km, actual_duration_minutes, actual_cost_kes, started_at, completed_at, created_at, updated_at
FROM logistics.routes
WHERE id = :route_id;

-- name: update_route_started(route_id)^
-- Starts a planned route now (planned -> in_progress); returns it, or none if it was not planned.
-- @nonnull period_start, period_end
UPDATE logistics.routes
SET status = 'in_progress',
    started_at = now()
WHERE id = :route_id
    AND status = 'planned'
RETURNING id, route_code, vehicle_id, decision_id, status, lower(period) AS period_start, upper(period) AS period_end, total_distance_km, estimated_duration_minutes, estimated_cost_kes, actual_distance_km, actual_duration_minutes, actual_cost_kes, started_at, completed_at, created_at, updated_at;

-- name: update_route_completed(route_id, actual_distance_km, actual_duration_minutes, actual_cost_kes)^
-- Completes a route in progress now with its actual distance, duration and cost; returns it, or
-- none if it was not in progress.
-- @nonnull period_start, period_end
UPDATE logistics.routes
SET status = 'completed',
    completed_at = now(),
    actual_distance_km = :actual_distance_km,
    actual_duration_minutes = :actual_duration_minutes,
    actual_cost_kes = :actual_cost_kes
WHERE id = :route_id
    AND status = 'in_progress'
RETURNING id, route_code, vehicle_id, decision_id, status, lower(period) AS period_start, upper(period) AS period_end, total_distance_km, estimated_duration_minutes, estimated_cost_kes, actual_distance_km, actual_duration_minutes, actual_cost_kes, started_at, completed_at, created_at, updated_at;

-- name: update_route_cancelled(route_id)^
-- Cancels a planned route (its period no longer blocks the vehicle); returns it, or none if it
-- was not planned.
-- @nonnull period_start, period_end
UPDATE logistics.routes
SET status = 'cancelled'
WHERE id = :route_id
    AND status = 'planned'
RETURNING id, route_code, vehicle_id, decision_id, status, lower(period) AS period_start, upper(period) AS period_end, total_distance_km, estimated_duration_minutes, estimated_cost_kes, actual_distance_km, actual_duration_minutes, actual_cost_kes, started_at, completed_at, created_at, updated_at;

-- name: create_route_stop(route_id, order_ids, stop_type, sequence_order, latitude, longitude, address, estimated_arrival_at, estimated_departure_at)^
-- Adds a stop to a route at position sequence_order, serving order_ids, in one statement; returns
-- it with the ids of its orders. A pickup or delivery stop serves one or more orders on the same
-- route (route_stop_orders_order_id_fkey; none: route_stops_orders_check, raised at commit); a
-- depot stop serves none (route_stop_orders_stop_type_check). An order named twice is refused
-- (route_stop_orders_pkey).
-- @param address: str | None
-- @param estimated_arrival_at: datetime | None
-- @param estimated_departure_at: datetime | None
-- @nonnull order_ids
WITH stop AS (
    INSERT INTO logistics.route_stops (route_id, stop_type, sequence_order, latitude, longitude, address, estimated_arrival_at, estimated_departure_at)
    VALUES (:route_id, :stop_type, :sequence_order, :latitude, :longitude, :address, :estimated_arrival_at, :estimated_departure_at)
    RETURNING id, route_id, stop_type, sequence_order, latitude, longitude, address, estimated_arrival_at, estimated_departure_at, actual_arrival_at, actual_departure_at, created_at, updated_at
),
served AS (
    INSERT INTO logistics.route_stop_orders (route_stop_id, order_id, route_id, stop_type)
    SELECT stop.id, u.order_id, stop.route_id, stop.stop_type
    FROM stop
    CROSS JOIN unnest(:order_ids::uuid[]) AS u(order_id)
    RETURNING order_id
)
SELECT
    stop.id,
    stop.route_id,
    ARRAY(SELECT served.order_id FROM served ORDER BY served.order_id) AS order_ids,
    stop.stop_type,
    stop.sequence_order,
    stop.latitude,
    stop.longitude,
    stop.address,
    stop.estimated_arrival_at,
    stop.estimated_departure_at,
    stop.actual_arrival_at,
    stop.actual_departure_at,
    stop.created_at,
    stop.updated_at
FROM stop;

-- name: create_route_stop_order(stop_id, order_id)^
-- Makes the stop serve one more order (on the same route; a depot stop serves none); returns the
-- link, or none if there is no such stop.
INSERT INTO logistics.route_stop_orders (route_stop_id, order_id, route_id, stop_type)
SELECT s.id, :order_id::uuid, s.route_id, s.stop_type
FROM logistics.route_stops AS s
WHERE s.id = :stop_id
RETURNING route_stop_id, order_id, route_id, stop_type, created_at;

-- name: delete_route_stop_order(stop_id, order_id)!
-- The stop no longer serves the order; returns 0 or 1. Removing a pickup or delivery stop's last
-- order is refused at commit (route_stops_orders_check): delete the stop or give it another order.
DELETE FROM logistics.route_stop_orders
WHERE route_stop_id = :stop_id
    AND order_id = :order_id;

-- name: update_route_stop_actuals(stop_id, actual_arrival_at, actual_departure_at)^
-- Records when the vehicle actually arrived at and left a stop; returns the stop with the ids of
-- its orders, or none.
-- @param actual_departure_at: datetime | None
-- @nonnull order_ids
UPDATE logistics.route_stops
SET actual_arrival_at = :actual_arrival_at,
    actual_departure_at = :actual_departure_at
WHERE id = :stop_id
RETURNING
    id,
    route_id,
    ARRAY(
        SELECT so.order_id
        FROM logistics.route_stop_orders AS so
        WHERE so.route_stop_id = route_stops.id
        ORDER BY so.order_id
    ) AS order_ids,
    stop_type,
    sequence_order,
    latitude,
    longitude,
    address,
    estimated_arrival_at,
    estimated_departure_at,
    actual_arrival_at,
    actual_departure_at,
    created_at,
    updated_at;

-- name: list_route_plan(route_id)
-- The route's stops in order, one row per order a stop serves (by order code), each with its
-- order and customer (none for depot stops): what to pick up or deliver, where and when.
SELECT
    s.id AS stop_id,
    s.sequence_order,
    s.stop_type,
    s.latitude,
    s.longitude,
    s.address,
    s.estimated_arrival_at,
    s.estimated_departure_at,
    s.actual_arrival_at,
    s.actual_departure_at,
    o.id AS order_id,
    o.order_code,
    c.customer_name,
    o.weight_tonnes,
    o.volume_m3,
    o.status AS order_status,
    lower(o.time_window) AS window_start,
    upper(o.time_window) AS window_end
FROM logistics.route_stops AS s
LEFT JOIN logistics.route_stop_orders AS so ON so.route_stop_id = s.id
LEFT JOIN logistics.orders AS o ON o.id = so.order_id
LEFT JOIN logistics.customers AS c ON c.id = o.customer_id
WHERE s.route_id = :route_id
ORDER BY s.sequence_order, o.order_code;

-- name: list_route_performance(completed_from, completed_until)
-- Estimated against actual distance, duration and cost for the routes completed in
-- [completed_from, completed_until), in order of completion, with how many orders each carried.
-- @nonnull actual_distance_km, actual_duration_minutes, actual_cost_kes, completed_at, distance_error_km, duration_error_minutes, cost_error_kes, order_count
SELECT
    r.id AS route_id,
    r.route_code,
    v.vehicle_code,
    r.decision_id,
    r.total_distance_km,
    r.actual_distance_km,
    r.actual_distance_km - r.total_distance_km AS distance_error_km,
    r.estimated_duration_minutes,
    r.actual_duration_minutes,
    r.actual_duration_minutes - r.estimated_duration_minutes AS duration_error_minutes,
    r.estimated_cost_kes,
    r.actual_cost_kes,
    r.actual_cost_kes - r.estimated_cost_kes AS cost_error_kes,
    (SELECT count(*) FROM logistics.orders AS o WHERE o.assigned_route_id = r.id) AS order_count,
    r.completed_at
FROM logistics.routes AS r
JOIN logistics.vehicles AS v ON v.id = r.vehicle_id
WHERE r.status = 'completed'
    AND r.completed_at >= :completed_from::timestamptz
    AND r.completed_at < :completed_until::timestamptz
ORDER BY r.completed_at, r.id;

-- name: list_routes_by_vehicle(vehicle_id, period_from, period_to, after_period_start, after_id, max_rows)
-- A page of the vehicle's routes (any status) whose planned period overlaps [period_from,
-- period_to) (none: unbounded), in order of their start; keyset: pass the last row's period_start
-- and id as after_period_start and after_id (both none for the first page). Served by
-- routes_vehicle_id_idx (vehicle_id, lower(period)).
-- @param period_from: datetime | None
-- @param period_to: datetime | None
-- @param after_period_start: datetime | None
-- @param after_id: UUID | None
-- @nonnull period_start, period_end
SELECT id, route_code, vehicle_id, decision_id, status, lower(period) AS period_start, upper(period) AS period_end, total_distance_km, estimated_duration_minutes, estimated_cost_kes, actual_distance_km, actual_duration_minutes, actual_cost_kes, started_at, completed_at, created_at, updated_at
FROM logistics.routes
WHERE vehicle_id = :vehicle_id
    AND lower(period) < (SELECT coalesce(:period_to::timestamptz, 'infinity'))
    AND upper(period) > (SELECT coalesce(:period_from::timestamptz, '-infinity'))
    AND (lower(period), id) > (
        (SELECT coalesce(:after_period_start::timestamptz, '-infinity')),
        (SELECT coalesce(:after_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY lower(period), id
LIMIT :max_rows::int;

-- name: list_route_destination_cities(route_id)
-- The cities the route delivers to (the destinations of its orders that are not cancelled), each
-- with how many orders go there and their weight; by name. Empty for a route without orders.
-- @nonnull destination_city, order_count, weight_tonnes
SELECT
    o.destination_city,
    count(*) AS order_count,
    sum(o.weight_tonnes) AS weight_tonnes
FROM logistics.orders AS o
WHERE o.assigned_route_id = :route_id
    AND o.status <> 'cancelled'
GROUP BY o.destination_city
ORDER BY o.destination_city;
