-- logistics.orders: delivery orders. Pickup location as latitude/longitude (in range), destination
-- city (and optionally its coordinates); weight and volume are positive; the delivery time window
-- is a bounded tstzrange with its start before its end; special handling is a text array of tags.
-- An order belongs to at most one route through assigned_route_id (the seed kept the link twice:
-- here and as a JSON id array on the route). Status: pending (no route), assigned, in_transit,
-- delivered (all three on a route), failed or cancelled.
-- Capacity: the orders on a route (all but cancelled ones) never weigh or measure more than the
-- route's vehicle takes. logistics._check_route_capacity(route) locks the route row (so
-- concurrent assignments to one route queue up) and raises check_violation naming
-- routes_capacity_check; it runs when orders are assigned or change weight, volume or status, when
-- a route changes vehicle, and when a vehicle's capacity shrinks.
-- depends: 0006.logistics.create-routes

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE logistics.orders (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    order_code text NOT NULL,
    customer_id uuid NOT NULL,
    pickup_latitude double precision NOT NULL,
    pickup_longitude double precision NOT NULL,
    pickup_address text,
    destination_city text NOT NULL,
    destination_latitude double precision,
    destination_longitude double precision,
    destination_address text,
    weight_tonnes numeric(10, 3) NOT NULL,
    volume_m3 numeric(10, 3) NOT NULL,
    time_window tstzrange NOT NULL,
    priority smallint NOT NULL DEFAULT 0,
    special_handling text[] NOT NULL DEFAULT '{}',
    price_kes numeric(19, 4) NOT NULL DEFAULT 0,
    status text NOT NULL DEFAULT 'pending',
    assigned_route_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_pkey PRIMARY KEY (id),
    CONSTRAINT orders_order_code_key UNIQUE (order_code),
    CONSTRAINT orders_id_assigned_route_id_key UNIQUE (id, assigned_route_id),
    CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES logistics.customers (id) ON DELETE RESTRICT,
    CONSTRAINT orders_assigned_route_id_fkey FOREIGN KEY (assigned_route_id) REFERENCES logistics.routes (id) ON DELETE RESTRICT,
    CONSTRAINT orders_order_code_check CHECK (order_code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    CONSTRAINT orders_pickup_latitude_check CHECK (pickup_latitude BETWEEN -90 AND 90),
    CONSTRAINT orders_pickup_longitude_check CHECK (pickup_longitude BETWEEN -180 AND 180),
    CONSTRAINT orders_destination_city_check CHECK (length(btrim(destination_city)) BETWEEN 1 AND 100),
    CONSTRAINT orders_destination_latitude_check CHECK (destination_latitude BETWEEN -90 AND 90),
    CONSTRAINT orders_destination_longitude_check CHECK (destination_longitude BETWEEN -180 AND 180),
    CONSTRAINT orders_destination_location_check CHECK ((destination_latitude IS NULL) = (destination_longitude IS NULL)),
    CONSTRAINT orders_weight_tonnes_check CHECK (weight_tonnes > 0),
    CONSTRAINT orders_volume_m3_check CHECK (volume_m3 > 0),
    CONSTRAINT orders_time_window_check CHECK (NOT isempty(time_window) AND NOT lower_inf(time_window) AND NOT upper_inf(time_window)),
    CONSTRAINT orders_priority_check CHECK (priority BETWEEN 0 AND 10),
    CONSTRAINT orders_special_handling_check CHECK (cardinality(special_handling) <= 20 AND array_position(special_handling, NULL) IS NULL),
    CONSTRAINT orders_price_kes_check CHECK (price_kes >= 0),
    CONSTRAINT orders_status_check CHECK (status IN ('pending', 'assigned', 'in_transit', 'delivered', 'failed', 'cancelled')),
    CONSTRAINT orders_assigned_route_id_check CHECK (
        (status IN ('assigned', 'in_transit', 'delivered')) <= (assigned_route_id IS NOT NULL)
        AND (status <> 'pending' OR assigned_route_id IS NULL)
    )
);

COMMENT ON TABLE logistics.orders IS 'Delivery orders: pickup point, destination, load, time window, and the route carrying them.';

COMMENT ON COLUMN logistics.orders.order_code IS 'Business key (the seed''s order_id); unique.';

COMMENT ON COLUMN logistics.orders.pickup_latitude IS 'Degrees north, -90 to 90.';

COMMENT ON COLUMN logistics.orders.pickup_longitude IS 'Degrees east, -180 to 180.';

COMMENT ON COLUMN logistics.orders.destination_latitude IS 'Degrees north; null, with destination_longitude, when only the city is known.';

COMMENT ON COLUMN logistics.orders.time_window IS 'When the delivery may happen, [start, end).';

COMMENT ON COLUMN logistics.orders.priority IS '0 (normal) to 10 (most urgent).';

COMMENT ON COLUMN logistics.orders.special_handling IS 'Handling tags, e.g. {fragile,refrigerated}.';

COMMENT ON COLUMN logistics.orders.price_kes IS 'What the customer pays, KES.';

COMMENT ON COLUMN logistics.orders.status IS 'pending, assigned, in_transit, delivered, failed or cancelled.';

COMMENT ON COLUMN logistics.orders.assigned_route_id IS 'The route carrying the order; set exactly when it is assigned, in transit or delivered (optional when failed or cancelled).';

COMMENT ON CONSTRAINT orders_order_code_key ON logistics.orders IS 'order_code is already taken';

COMMENT ON CONSTRAINT orders_id_assigned_route_id_key ON logistics.orders IS 'an order is on one route';

COMMENT ON CONSTRAINT orders_customer_id_fkey ON logistics.orders IS 'customer_id must be an existing customer (a customer with orders cannot be deleted)';

COMMENT ON CONSTRAINT orders_assigned_route_id_fkey ON logistics.orders IS 'assigned_route_id must be an existing route (a route carrying orders cannot be deleted)';

COMMENT ON CONSTRAINT orders_order_code_check ON logistics.orders IS 'order_code must have 1 to 64 letters, digits, dots, dashes or underscores';

COMMENT ON CONSTRAINT orders_pickup_latitude_check ON logistics.orders IS 'pickup_latitude must be between -90 and 90';

COMMENT ON CONSTRAINT orders_pickup_longitude_check ON logistics.orders IS 'pickup_longitude must be between -180 and 180';

COMMENT ON CONSTRAINT orders_destination_city_check ON logistics.orders IS 'destination_city must have 1 to 100 characters';

COMMENT ON CONSTRAINT orders_destination_latitude_check ON logistics.orders IS 'destination_latitude must be between -90 and 90';

COMMENT ON CONSTRAINT orders_destination_longitude_check ON logistics.orders IS 'destination_longitude must be between -180 and 180';

COMMENT ON CONSTRAINT orders_destination_location_check ON logistics.orders IS 'destination_latitude and destination_longitude are both set or both null';

COMMENT ON CONSTRAINT orders_weight_tonnes_check ON logistics.orders IS 'weight_tonnes must be greater than zero';

COMMENT ON CONSTRAINT orders_volume_m3_check ON logistics.orders IS 'volume_m3 must be greater than zero';

COMMENT ON CONSTRAINT orders_time_window_check ON logistics.orders IS 'time_window must have a start and an end, the start before the end';

COMMENT ON CONSTRAINT orders_priority_check ON logistics.orders IS 'priority must be between 0 and 10';

COMMENT ON CONSTRAINT orders_special_handling_check ON logistics.orders IS 'special_handling holds at most 20 tags, none null';

COMMENT ON CONSTRAINT orders_price_kes_check ON logistics.orders IS 'price_kes cannot be negative';

COMMENT ON CONSTRAINT orders_status_check ON logistics.orders IS 'status must be pending, assigned, in_transit, delivered, failed or cancelled';

COMMENT ON CONSTRAINT orders_assigned_route_id_check ON logistics.orders IS 'an assigned, in-transit or delivered order needs a route; a pending order has none';

CREATE INDEX orders_customer_id_idx ON logistics.orders (customer_id);

CREATE INDEX orders_assigned_route_id_idx ON logistics.orders (assigned_route_id) WHERE assigned_route_id IS NOT NULL;

CREATE INDEX orders_pending_destination_city_idx ON logistics.orders (destination_city, lower(time_window), id)
    WHERE status = 'pending';

CREATE INDEX orders_status_created_at_idx ON logistics.orders (status, created_at);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON logistics.orders
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON logistics.orders
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit();

CREATE FUNCTION logistics._check_route_capacity(p_route_id uuid) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_route_code text;
    v_vehicle_code text;
    v_capacity_weight numeric;
    v_capacity_volume numeric;
    v_weight numeric;
    v_volume numeric;
BEGIN
    SELECT r.route_code, v.vehicle_code, v.capacity_weight_tonnes, v.capacity_volume_m3
    INTO v_route_code, v_vehicle_code, v_capacity_weight, v_capacity_volume
    FROM logistics.routes AS r
    JOIN logistics.vehicles AS v ON v.id = r.vehicle_id
    WHERE r.id = p_route_id
    FOR NO KEY UPDATE OF r;
    IF NOT FOUND THEN
        RETURN;  -- no such route: the foreign key reports it
    END IF;
    SELECT coalesce(sum(o.weight_tonnes), 0), coalesce(sum(o.volume_m3), 0)
    INTO v_weight, v_volume
    FROM logistics.orders AS o
    WHERE o.assigned_route_id = p_route_id
        AND o.status <> 'cancelled';
    IF v_weight > v_capacity_weight OR v_volume > v_capacity_volume THEN
        RAISE EXCEPTION 'route % would carry % t and % m3, but vehicle % takes % t and % m3',
            v_route_code, v_weight, v_volume, v_vehicle_code, v_capacity_weight, v_capacity_volume
            USING ERRCODE = 'check_violation', SCHEMA = 'logistics', TABLE = 'routes',
                  CONSTRAINT = 'routes_capacity_check',
                  HINT = 'assign fewer orders, or a larger vehicle';
    END IF;
END;
$$;

COMMENT ON FUNCTION logistics._check_route_capacity(uuid) IS 'Internal: locks the route and raises routes_capacity_check when its orders (not cancelled) exceed its vehicle''s weight or volume capacity.';

CREATE FUNCTION logistics.tg_orders__check_route_capacity() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM logistics._check_route_capacity(NEW.assigned_route_id);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION logistics.tg_orders__check_route_capacity() IS 'AFTER INSERT OR UPDATE on orders with a route: the route''s load must fit its vehicle.';

CREATE TRIGGER _200_check_route_capacity
    AFTER INSERT OR UPDATE OF assigned_route_id, weight_tonnes, volume_m3, status ON logistics.orders
    FOR EACH ROW
    WHEN (NEW.assigned_route_id IS NOT NULL)
    EXECUTE FUNCTION logistics.tg_orders__check_route_capacity();

CREATE FUNCTION logistics.tg_routes__check_capacity() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM logistics._check_route_capacity(NEW.id);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION logistics.tg_routes__check_capacity() IS 'AFTER UPDATE OF vehicle_id on routes: the route''s load must fit its new vehicle.';

CREATE TRIGGER _200_check_capacity
    AFTER UPDATE OF vehicle_id ON logistics.routes
    FOR EACH ROW
    WHEN (NEW.vehicle_id IS DISTINCT FROM OLD.vehicle_id)
    EXECUTE FUNCTION logistics.tg_routes__check_capacity();

CREATE FUNCTION logistics.tg_vehicles__check_capacity() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_route_id uuid;
BEGIN
    FOR v_route_id IN
        SELECT r.id
        FROM logistics.routes AS r
        WHERE r.vehicle_id = NEW.id
            AND r.status IN ('planned', 'in_progress')
        ORDER BY r.id
    LOOP
        PERFORM logistics._check_route_capacity(v_route_id);
    END LOOP;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION logistics.tg_vehicles__check_capacity() IS 'AFTER UPDATE of a vehicle''s capacity: its planned and in-progress routes must still fit.';

CREATE TRIGGER _200_check_capacity
    AFTER UPDATE OF capacity_weight_tonnes, capacity_volume_m3 ON logistics.vehicles
    FOR EACH ROW
    WHEN (NEW.capacity_weight_tonnes < OLD.capacity_weight_tonnes OR NEW.capacity_volume_m3 < OLD.capacity_volume_m3)
    EXECUTE FUNCTION logistics.tg_vehicles__check_capacity();
