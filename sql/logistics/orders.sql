-- name: create_order(order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, window_start, window_end, priority, special_handling, price_kes)^
-- Creates a pending order with its delivery window [window_start, window_end); returns it.
-- @param pickup_address: str | None
-- @param destination_latitude: float | None
-- @param destination_longitude: float | None
-- @param destination_address: str | None
-- @nonnull window_start, window_end
INSERT INTO logistics.orders (order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, time_window, priority, special_handling, price_kes)
VALUES (:order_code, :customer_id, :pickup_latitude, :pickup_longitude, :pickup_address, :destination_city, :destination_latitude, :destination_longitude, :destination_address, :weight_tonnes, :volume_m3, tstzrange(:window_start::timestamptz, :window_end::timestamptz), :priority, :special_handling, :price_kes)
RETURNING id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, lower(time_window) AS window_start, upper(time_window) AS window_end, priority, special_handling, price_kes, status, assigned_route_id, created_at, updated_at;

-- name: get_order_by_id(order_id)^
-- The order with this id, or none.
-- @nonnull window_start, window_end
SELECT id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, lower(time_window) AS window_start, upper(time_window) AS window_end, priority, special_handling, price_kes, status, assigned_route_id, created_at, updated_at
FROM logistics.orders
WHERE id = :order_id;

-- name: get_order_by_code(order_code)^
-- The order with this business key, or none.
-- @nonnull window_start, window_end
SELECT id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, lower(time_window) AS window_start, upper(time_window) AS window_end, priority, special_handling, price_kes, status, assigned_route_id, created_at, updated_at
FROM logistics.orders
WHERE order_code = :order_code;

-- name: list_pending_orders(destination_city, window_start, window_end, after_window_start, after_id, max_rows)
-- A page of the pending orders for a destination city whose delivery window overlaps
-- [window_start, window_end), earliest window first (keyset: pass the last row's window_start
-- and id, none for the first page).
-- @param after_window_start: datetime | None
-- @param after_id: UUID | None
-- @nonnull window_start, window_end
SELECT id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, lower(time_window) AS window_start, upper(time_window) AS window_end, priority, special_handling, price_kes, status, assigned_route_id, created_at, updated_at
FROM logistics.orders
WHERE status = 'pending'
    AND destination_city = :destination_city
    AND time_window && tstzrange(:window_start::timestamptz, :window_end::timestamptz)
    AND (lower(time_window), id) > (
        (SELECT coalesce(:after_window_start::timestamptz, '-infinity')),
        (SELECT coalesce(:after_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY lower(time_window), id
LIMIT :max_rows::int;

-- name: update_orders_route(route_id, order_ids)
-- Assigns pending orders to a planned route in one statement, all or nothing
-- (logistics.assign_orders): refuses a route that is not planned (RouteNotPlanned), an order that
-- is not pending (OrderNotPending), an unknown route or order (NotFound), and a load the route's
-- vehicle cannot take (CheckViolation routes_capacity_check). Returns the assigned orders.
-- @nonnull id, order_code, customer_id, pickup_latitude, pickup_longitude, destination_city, weight_tonnes, volume_m3, window_start, window_end, priority, special_handling, price_kes, status, created_at, updated_at
-- @nullable pickup_address, destination_latitude, destination_longitude, destination_address, assigned_route_id
SELECT id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, lower(time_window) AS window_start, upper(time_window) AS window_end, priority, special_handling, price_kes, status, assigned_route_id, created_at, updated_at
FROM logistics.assign_orders(:route_id, :order_ids::uuid[])
ORDER BY id;

-- name: update_order_unassigned(order_id)^
-- Takes an assigned order off its route (back to pending); returns it, or none if it was not
-- assigned. Refused while the order still has stops on the route.
-- @nonnull window_start, window_end
UPDATE logistics.orders
SET status = 'pending',
    assigned_route_id = NULL
WHERE id = :order_id
    AND status = 'assigned'
RETURNING id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, lower(time_window) AS window_start, upper(time_window) AS window_end, priority, special_handling, price_kes, status, assigned_route_id, created_at, updated_at;

-- name: update_order_status(order_id, status)^
-- Sets an order's status (in_transit, delivered, failed, cancelled); returns it, or none.
-- @nonnull window_start, window_end
UPDATE logistics.orders
SET status = :status
WHERE id = :order_id
RETURNING id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, lower(time_window) AS window_start, upper(time_window) AS window_end, priority, special_handling, price_kes, status, assigned_route_id, created_at, updated_at;

-- name: list_orders_by_customer(customer_id, created_from, created_to, before_created_at, before_id, max_rows)
-- A page of the customer's orders (any status) created in [created_from, created_to) (none:
-- unbounded), newest first; keyset: pass the last row's created_at and id as before_created_at
-- and before_id (both none for the first page). Served by orders_customer_id_created_at_idx.
-- @param created_from: datetime | None
-- @param created_to: datetime | None
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
-- @nonnull window_start, window_end
SELECT id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, lower(time_window) AS window_start, upper(time_window) AS window_end, priority, special_handling, price_kes, status, assigned_route_id, created_at, updated_at
FROM logistics.orders
WHERE customer_id = :customer_id
    AND created_at >= (SELECT coalesce(:created_from::timestamptz, '-infinity'))
    AND created_at < (SELECT coalesce(:created_to::timestamptz, 'infinity'))
    AND (created_at, id) < (
        (SELECT coalesce(:before_created_at::timestamptz, 'infinity')),
        (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
    )
ORDER BY created_at DESC, id DESC
LIMIT :max_rows::int;

-- name: list_orders_by_route(route_id, window_from, window_to, after_window_start, after_id, max_rows)
-- A page of the orders on a route (any status) whose delivery window overlaps [window_from,
-- window_to) (none: unbounded), by window start; keyset: pass the last row's window_start and id
-- as after_window_start and after_id (both none for the first page).
-- @param window_from: datetime | None
-- @param window_to: datetime | None
-- @param after_window_start: datetime | None
-- @param after_id: UUID | None
-- @nonnull window_start, window_end
SELECT id, order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, lower(time_window) AS window_start, upper(time_window) AS window_end, priority, special_handling, price_kes, status, assigned_route_id, created_at, updated_at
FROM logistics.orders
WHERE assigned_route_id = :route_id
    AND time_window && tstzrange((SELECT coalesce(:window_from::timestamptz, '-infinity')), (SELECT coalesce(:window_to::timestamptz, 'infinity')))
    AND (lower(time_window), id) > (
        (SELECT coalesce(:after_window_start::timestamptz, '-infinity')),
        (SELECT coalesce(:after_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY lower(time_window), id
LIMIT :max_rows::int;

-- name: list_destination_cities()
-- The cities an order may name as destination_city (the closed set), by name.
SELECT name, created_at
FROM logistics.destination_cities
ORDER BY name;
