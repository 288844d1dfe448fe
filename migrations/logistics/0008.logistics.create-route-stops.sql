-- logistics.route_stops: the ordered stops of a route, one row each (the seed kept order ids as a
-- JSON array per stop). A pickup or delivery stop serves one order, and that order must be on the
-- same route: the foreign key (order_id, route_id) -> orders (id, assigned_route_id) proves it, and
-- also stops an order from leaving a route while it still has stops there. A depot stop serves no
-- order. sequence_order is unique per route. Stops go with their route (ON DELETE CASCADE).
-- depends: 0007.logistics.create-orders

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE logistics.route_stops (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    route_id uuid NOT NULL,
    order_id uuid,
    stop_type text NOT NULL,
    sequence_order integer NOT NULL,
    latitude double precision NOT NULL,
    longitude double precision NOT NULL,
    address text,
    estimated_arrival_at timestamptz,
    estimated_departure_at timestamptz,
    actual_arrival_at timestamptz,
    actual_departure_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT route_stops_pkey PRIMARY KEY (id),
    CONSTRAINT route_stops_route_id_sequence_order_key UNIQUE (route_id, sequence_order),
    CONSTRAINT route_stops_route_id_fkey FOREIGN KEY (route_id) REFERENCES logistics.routes (id) ON DELETE CASCADE,
    CONSTRAINT route_stops_order_id_fkey FOREIGN KEY (order_id, route_id)
        REFERENCES logistics.orders (id, assigned_route_id) ON DELETE RESTRICT,
    CONSTRAINT route_stops_stop_type_check CHECK (stop_type IN ('pickup', 'delivery', 'depot')),
    CONSTRAINT route_stops_order_id_check CHECK ((stop_type = 'depot') = (order_id IS NULL)),
    CONSTRAINT route_stops_sequence_order_check CHECK (sequence_order >= 1),
    CONSTRAINT route_stops_latitude_check CHECK (latitude BETWEEN -90 AND 90),
    CONSTRAINT route_stops_longitude_check CHECK (longitude BETWEEN -180 AND 180),
    CONSTRAINT route_stops_estimated_times_check CHECK (estimated_departure_at >= estimated_arrival_at),
    CONSTRAINT route_stops_actual_times_check CHECK (actual_departure_at >= actual_arrival_at)
);

COMMENT ON TABLE logistics.route_stops IS 'The stops of a route, in sequence_order: pickups and deliveries of its orders, and depot stops.';

COMMENT ON COLUMN logistics.route_stops.order_id IS 'The order picked up or delivered here (it must be on this route); null for a depot stop.';

COMMENT ON COLUMN logistics.route_stops.stop_type IS 'pickup, delivery or depot.';

COMMENT ON COLUMN logistics.route_stops.sequence_order IS 'Position in the route, from 1; unique per route.';

COMMENT ON CONSTRAINT route_stops_route_id_sequence_order_key ON logistics.route_stops IS 'the route already has a stop at that position';

COMMENT ON CONSTRAINT route_stops_route_id_fkey ON logistics.route_stops IS 'route_id must be an existing route';

COMMENT ON CONSTRAINT route_stops_order_id_fkey ON logistics.route_stops IS 'the stop''s order must be assigned to the same route (and cannot leave it while it has stops there)';

COMMENT ON CONSTRAINT route_stops_stop_type_check ON logistics.route_stops IS 'stop_type must be pickup, delivery or depot';

COMMENT ON CONSTRAINT route_stops_order_id_check ON logistics.route_stops IS 'a pickup or delivery stop serves an order; a depot stop serves none';

COMMENT ON CONSTRAINT route_stops_sequence_order_check ON logistics.route_stops IS 'sequence_order starts at 1';

COMMENT ON CONSTRAINT route_stops_latitude_check ON logistics.route_stops IS 'latitude must be between -90 and 90';

COMMENT ON CONSTRAINT route_stops_longitude_check ON logistics.route_stops IS 'longitude must be between -180 and 180';

COMMENT ON CONSTRAINT route_stops_estimated_times_check ON logistics.route_stops IS 'the estimated departure cannot be before the estimated arrival';

COMMENT ON CONSTRAINT route_stops_actual_times_check ON logistics.route_stops IS 'the actual departure cannot be before the actual arrival';

CREATE INDEX route_stops_order_id_idx ON logistics.route_stops (order_id, route_id) WHERE order_id IS NOT NULL;

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON logistics.route_stops
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
