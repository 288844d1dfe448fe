-- Legacy vehicles -> logistics.vehicles: the JSON location becomes latitude and longitude; the
-- status enum (stored by member name) becomes its lower-case value; float amounts convert when
-- they are exact at the new scale (3 decimals for capacities, 4 for money).
-- legacy: vehicles
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.vehicle_id IS NULL OR l.vehicle_id !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
            THEN 'vehicle code malformed (vehicles_vehicle_code_check)'
        WHEN length(btrim(coalesce(l.vehicle_type, ''))) NOT BETWEEN 1 AND 50
            THEN 'vehicle type empty or longer than 50 (vehicles_vehicle_type_check)'
        WHEN NOT (l.capacity_weight_tonnes > 0 AND l.capacity_volume_m3 > 0)
            THEN 'capacity not positive (vehicles_capacity_weight_tonnes_check)'
        WHEN scale(l.capacity_weight_tonnes::numeric) > 3 OR scale(l.capacity_volume_m3::numeric) > 3
            THEN 'capacity with more than three decimals (vehicles_capacity_weight_tonnes)'
        WHEN l.current_location IS NOT NULL AND NOT (
            json_typeof(l.current_location) = 'object'
            AND json_typeof(l.current_location -> 'latitude') = 'number'
            AND json_typeof(l.current_location -> 'longitude') = 'number'
            AND (l.current_location ->> 'latitude')::float8 BETWEEN -90 AND 90
            AND (l.current_location ->> 'longitude')::float8 BETWEEN -180 AND 180
        )
            THEN 'location is not a latitude and longitude in range (vehicles_current_location_check)'
        WHEN NOT (l.fuel_cost_per_km >= 0 AND l.driver_cost_per_hour >= 0)
            THEN 'negative cost (vehicles_fuel_cost_per_km_check)'
        WHEN scale(l.fuel_cost_per_km::numeric) > 4 OR scale(l.driver_cost_per_hour::numeric) > 4
            THEN 'cost with more than four decimals (vehicles_fuel_cost_per_km_scale_check)'
    END AS reason
FROM __legacy__.vehicles AS l
-- name: convert
INSERT INTO logistics.vehicles (
    id, vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3,
    current_latitude, current_longitude, status, available_at, fuel_cost_per_km,
    driver_cost_per_hour, created_at, updated_at
)
SELECT
    md5('senga.vehicles.' || l.id)::uuid,
    l.vehicle_id,
    btrim(l.vehicle_type),
    l.capacity_weight_tonnes::numeric,
    l.capacity_volume_m3::numeric,
    (l.current_location ->> 'latitude')::float8,
    (l.current_location ->> 'longitude')::float8,
    lower(l.status::text),
    l.available_at AT TIME ZONE 'UTC',
    l.fuel_cost_per_km::numeric,
    l.driver_cost_per_hour::numeric,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.vehicles AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_vehicles AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.vehicles AS l
WHERE EXISTS (SELECT FROM logistics.vehicles AS n WHERE n.id = md5('senga.vehicles.' || l.id)::uuid);
