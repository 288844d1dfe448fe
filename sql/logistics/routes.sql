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

-- name: create_route_stop(route_id, order_id, stop_type, sequence_order, latitude, longitude, address, estimated_arrival_at, estimated_departure_at)^
-- Adds a stop to a route at position sequence_order; returns it. A pickup or delivery stop names
-- an order on the same route; a depot stop names none.
-- @param order_id: UUID | None
-- @param address: str | None
-- @param estimated_arrival_at: datetime | None
-- @param estimated_departure_at: datetime | None
INSERT INTO logistics.route_stops (route_id, order_id, stop_type, sequence_order, latitude, longitude, address, estimated_arrival_at, estimated_departure_at)
VALUES (:route_id, :order_id, :stop_type, :sequence_order, :latitude, :longitude, :address, :estimated_arrival_at, :estimated_departure_at)
RETURNING id, route_id, order_id, stop_type, sequence_order, latitude, longitude, address, estimated_arrival_at, estimated_departure_at, actual_arrival_at, actual_departure_at, created_at, updated_at;

-- name: update_route_stop_actuals(stop_id, actual_arrival_at, actual_departure_at)^
-- Records when the vehicle actually arrived at and left a stop; returns the stop, or none.
-- @param actual_departure_at: datetime | None
UPDATE logistics.route_stops
SET actual_arrival_at = :actual_arrival_at,
    actual_departure_at = :actual_departure_at
WHERE id = :stop_id
RETURNING id, route_id, order_id, stop_type, sequence_order, latitude, longitude, address, estimated_arrival_at, estimated_departure_at, actual_arrival_at, actual_departure_at, created_at, updated_at;

-- name: list_route_plan(route_id)
-- The route's stops in order, each with its order and customer (none for depot stops): what to
-- pick up or deliver, where and when.
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
LEFT JOIN logistics.orders AS o ON o.id = s.order_id
LEFT JOIN logistics.customers AS c ON c.id = o.customer_id
WHERE s.route_id = :route_id
ORDER BY s.sequence_order;

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
