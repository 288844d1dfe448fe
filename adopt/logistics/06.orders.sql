-- Legacy orders -> logistics.orders: JSON locations become latitude, longitude and address; the
-- destination city enum (stored by member name, NAIROBI) becomes the city of the reference set
-- logistics.destination_cities with that name ignoring case ('_' read as a blank): Nairobi. A city
-- the set does not hold is refused (orders_destination_city_fkey) rather than added: the set is
-- the operators' list of places Senga delivers to, and a legacy enum member may be a misspelling
-- or a place given up; add it as the owner (INSERT INTO logistics.destination_cities) or correct
-- the legacy row, and the next apply converts those orders. The time
-- window becomes a range; special_handling (a JSON list) becomes text[]; float weights and
-- prices convert when exact at the new scale. An order's route is its assigned_route_id.
-- legacy: orders
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.order_id IS NULL OR l.order_id !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
            THEN 'order code malformed (orders_order_code_check)'
        WHEN NOT coalesce(
            json_typeof(l.pickup_location) = 'object'
            AND json_typeof(l.pickup_location -> 'latitude') = 'number'
            AND json_typeof(l.pickup_location -> 'longitude') = 'number'
            AND (l.pickup_location ->> 'latitude')::float8 BETWEEN -90 AND 90
            AND (l.pickup_location ->> 'longitude')::float8 BETWEEN -180 AND 180, false)
            THEN 'pickup location is not a latitude and longitude in range (orders_pickup_latitude_check)'
        WHEN l.destination_location IS NOT NULL AND NOT coalesce(
            json_typeof(l.destination_location) = 'object'
            AND json_typeof(l.destination_location -> 'latitude') = 'number'
            AND json_typeof(l.destination_location -> 'longitude') = 'number'
            AND (l.destination_location ->> 'latitude')::float8 BETWEEN -90 AND 90
            AND (l.destination_location ->> 'longitude')::float8 BETWEEN -180 AND 180, false)
            THEN 'destination location is not a latitude and longitude in range (orders_destination_location_check)'
        WHEN length(l.pickup_location ->> 'address') > 500 OR length(l.destination_location ->> 'address') > 500
            THEN 'address longer than 500 (orders_pickup_address_length_check)'
        WHEN NOT (l.weight_tonnes > 0 AND l.volume_m3 > 0)
            THEN 'weight or volume not positive (orders_weight_tonnes_check)'
        WHEN scale(l.weight_tonnes::numeric) > 3 OR scale(l.volume_m3::numeric) > 3
            THEN 'weight or volume with more than three decimals'
        WHEN l.time_window_start IS NULL OR l.time_window_end IS NULL
            OR l.time_window_start >= l.time_window_end
            THEN 'time window without a start before its end (orders_time_window_check)'
        WHEN NOT EXISTS (
            SELECT FROM logistics.destination_cities AS c
            WHERE lower(c.name) = lower(replace(l.destination_city::text, '_', ' '))
        )
            THEN 'destination city is not one of logistics.destination_cities (orders_destination_city_fkey)'
        WHEN coalesce(l.priority, 0) NOT BETWEEN 0 AND 10
            THEN 'priority outside 0 to 10 (orders_priority_check)'
        WHEN l.special_handling IS NOT NULL AND (json_typeof(l.special_handling) <> 'array'
            OR json_array_length(l.special_handling) > 20
            OR EXISTS (
                SELECT FROM json_array_elements(l.special_handling) AS e
                WHERE json_typeof(e) <> 'string' OR length(e #>> '{}') > 50 OR (e #>> '{}') ~ '\n'
            ))
            THEN 'special handling is not a list of at most 20 short texts (orders_special_handling_check)'
        WHEN NOT (l.price_kes >= 0) OR scale(l.price_kes::numeric) > 4
            THEN 'price negative or with more than four decimals (orders_price_kes_scale_check)'
        WHEN (l.status::text IN ('ASSIGNED', 'IN_TRANSIT', 'DELIVERED') AND l.assigned_route_id IS NULL)
            OR (l.status::text = 'PENDING' AND l.assigned_route_id IS NOT NULL)
            THEN 'status disagrees with having a route (orders_assigned_route_id_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_customers AS r WHERE r.legacy_key = l.customer_id::text)
            THEN 'its customer is quarantined'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_routes AS r WHERE r.legacy_key = l.assigned_route_id::text)
            THEN 'its route is quarantined'
    END AS reason
FROM __legacy__.orders AS l
-- name: convert
INSERT INTO logistics.orders (
    id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address,
    destination_city, destination_latitude, destination_longitude, destination_address,
    weight_tonnes, volume_m3, time_window, priority, special_handling, price_kes, status,
    assigned_route_id, created_at, updated_at
)
SELECT
    md5('senga.orders.' || l.id)::uuid,
    l.order_id,
    md5('senga.customers.' || l.customer_id)::uuid,
    (l.pickup_location ->> 'latitude')::float8,
    (l.pickup_location ->> 'longitude')::float8,
    l.pickup_location ->> 'address',
    (
        SELECT c.name FROM logistics.destination_cities AS c
        WHERE lower(c.name) = lower(replace(l.destination_city::text, '_', ' '))
    ),
    (l.destination_location ->> 'latitude')::float8,
    (l.destination_location ->> 'longitude')::float8,
    l.destination_location ->> 'address',
    l.weight_tonnes::numeric,
    l.volume_m3::numeric,
    tstzrange(l.time_window_start AT TIME ZONE 'UTC', l.time_window_end AT TIME ZONE 'UTC'),
    coalesce(l.priority, 0),
    coalesce(ARRAY(SELECT json_array_elements_text(l.special_handling)), '{}'),
    l.price_kes::numeric,
    lower(l.status::text),
    CASE WHEN l.assigned_route_id IS NOT NULL THEN md5('senga.routes.' || l.assigned_route_id)::uuid END,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.orders AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_orders AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.orders AS l
WHERE EXISTS (SELECT FROM logistics.orders AS n WHERE n.id = md5('senga.orders.' || l.id)::uuid);
