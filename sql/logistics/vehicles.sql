-- name: create_vehicle(vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, fuel_cost_per_km, driver_cost_per_hour)^
-- Adds an available vehicle to the fleet; returns it.
-- @param current_latitude: float | None
-- @param current_longitude: float | None
INSERT INTO logistics.vehicles (vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, fuel_cost_per_km, driver_cost_per_hour)
VALUES (:vehicle_code, :vehicle_type, :capacity_weight_tonnes, :capacity_volume_m3, :current_latitude, :current_longitude, :fuel_cost_per_km, :driver_cost_per_hour)
RETURNING id, vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, status, available_at, fuel_cost_per_km, driver_cost_per_hour, created_at, updated_at;

-- name: get_vehicle_by_id(vehicle_id)^
-- The vehicle with this id, or none.
SELECT id, vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, status, available_at, fuel_cost_per_km, driver_cost_per_hour, created_at, updated_at
FROM logistics.vehicles
WHERE id = :vehicle_id;

-- name: get_vehicle_by_code(vehicle_code)^
-- The vehicle with this business key, or none.
SELECT id, vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, status, available_at, fuel_cost_per_km, driver_cost_per_hour, created_at, updated_at
FROM logistics.vehicles
WHERE vehicle_code = :vehicle_code;

-- name: update_vehicle_location(vehicle_id, latitude, longitude)^
-- Records where a vehicle is now; returns it, or none.
UPDATE logistics.vehicles
SET current_latitude = :latitude,
    current_longitude = :longitude
WHERE id = :vehicle_id
RETURNING id, vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, status, available_at, fuel_cost_per_km, driver_cost_per_hour, created_at, updated_at;

-- name: update_vehicle_status(vehicle_id, status, available_at)^
-- Sets a vehicle's status and when it is next available (none: now); returns it, or none.
-- @param available_at: datetime | None
UPDATE logistics.vehicles
SET status = :status,
    available_at = :available_at
WHERE id = :vehicle_id
RETURNING id, vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, status, available_at, fuel_cost_per_km, driver_cost_per_hour, created_at, updated_at;

-- name: list_nearest_available_vehicles(latitude, longitude, available_by, min_weight_tonnes, min_volume_m3, max_rows)
-- The available vehicles nearest to a point (e.g. a pickup), nearest first, with their
-- great-circle distance in km: free by available_by and able to take the given weight and volume.
-- Served by the GiST index on the vehicles' earth points (ORDER BY ... <-> target).
-- @nonnull id, vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, distance_km
SELECT
    v.id,
    v.vehicle_code,
    v.vehicle_type,
    v.capacity_weight_tonnes,
    v.capacity_volume_m3,
    v.current_latitude,
    v.current_longitude,
    v.available_at,
    logistics.earth_distance_m(
        logistics.earth_point(v.current_latitude, v.current_longitude),
        logistics.earth_point(:latitude::float8, :longitude::float8)
    ) / 1000 AS distance_km
FROM logistics.vehicles AS v
WHERE v.status = 'available'
    AND v.current_latitude IS NOT NULL
    AND (v.available_at IS NULL OR v.available_at <= :available_by::timestamptz)
    AND v.capacity_weight_tonnes >= :min_weight_tonnes::numeric
    AND v.capacity_volume_m3 >= :min_volume_m3::numeric
ORDER BY logistics.earth_point(v.current_latitude, v.current_longitude) OPERATOR(public.<->) logistics.earth_point(:latitude::float8, :longitude::float8)
LIMIT :max_rows::int;

-- name: list_vehicle_utilisation(period_start, period_end)
-- For every vehicle, over [period_start, period_end): how many routes (not cancelled) overlap the
-- period, the minutes they take within it, that time as a share of the period, and the average
-- load of those routes as a share of the vehicle's weight and volume capacity (0 when idle, and
-- for an empty period). Busiest first.
-- @nonnull vehicle_id, vehicle_code, vehicle_type, status, route_count, busy_minutes, time_utilisation, weight_utilisation, volume_utilisation
WITH w AS (
    SELECT tstzrange(:period_start::timestamptz, :period_end::timestamptz) AS period
),
loads AS (
    SELECT
        r.vehicle_id,
        r.id AS route_id,
        upper(r.period * w.period) - lower(r.period * w.period) AS busy,
        coalesce(sum(o.weight_tonnes), 0) AS weight,
        coalesce(sum(o.volume_m3), 0) AS volume
    FROM logistics.routes AS r
    CROSS JOIN w
    LEFT JOIN logistics.orders AS o ON o.assigned_route_id = r.id AND o.status <> 'cancelled'
    WHERE r.status <> 'cancelled'
        AND r.period && w.period
    GROUP BY r.vehicle_id, r.id, r.period, w.period
)
SELECT
    v.id AS vehicle_id,
    v.vehicle_code,
    v.vehicle_type,
    v.status,
    count(l.route_id) AS route_count,
    coalesce(round(extract(EPOCH FROM sum(l.busy)) / 60), 0)::int AS busy_minutes,
    coalesce(round(coalesce(extract(EPOCH FROM sum(l.busy)), 0) / nullif(extract(EPOCH FROM upper(w.period) - lower(w.period)), 0), 4), 0) AS time_utilisation,
    round(coalesce(avg(l.weight / v.capacity_weight_tonnes), 0), 4) AS weight_utilisation,
    round(coalesce(avg(l.volume / v.capacity_volume_m3), 0), 4) AS volume_utilisation
FROM logistics.vehicles AS v
CROSS JOIN w
LEFT JOIN loads AS l ON l.vehicle_id = v.id
GROUP BY v.id, w.period
ORDER BY time_utilisation DESC, v.vehicle_code;
