-- Undo 0024.logistics.create-route-stop-orders: a stop names its one order in route_stops.order_id
-- again. Refused while any stop serves more than one order (that cannot be written back without
-- losing links): remove the extra links first. route_stops.order_id comes back as the table's last
-- column (PostgreSQL adds columns at the end); queries name their columns, so nothing reads it by
-- position.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DO $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM logistics.route_stop_orders
        GROUP BY route_stop_id
        HAVING count(*) > 1
    ) THEN
        RAISE EXCEPTION 'cannot roll back 0024.logistics.create-route-stop-orders: some stops serve more than one order'
            USING HINT = 'delete the extra rows of logistics.route_stop_orders (one order per stop) and roll back again',
                  ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
END;
$$;

DROP TRIGGER route_stop_orders_last_order_check ON logistics.route_stop_orders;

DROP TRIGGER route_stops_orders_check ON logistics.route_stops;

DROP FUNCTION logistics.tg_route_stops__check_orders();

COMMENT ON TABLE logistics.route_stops IS 'The stops of a route, in sequence_order: pickups and deliveries of its orders, and depot stops.';

ALTER TABLE logistics.route_stops ADD COLUMN order_id uuid;

COMMENT ON COLUMN logistics.route_stops.order_id IS 'The order picked up or delivered here (it must be on this route); null for a depot stop.';

UPDATE logistics.route_stops AS s
SET order_id = so.order_id
FROM logistics.route_stop_orders AS so
WHERE so.route_stop_id = s.id;

CREATE INDEX route_stops_order_id_idx ON logistics.route_stops (order_id, route_id) WHERE order_id IS NOT NULL;

ALTER TABLE logistics.route_stops
    ADD CONSTRAINT route_stops_order_id_fkey FOREIGN KEY (order_id, route_id)
        REFERENCES logistics.orders (id, assigned_route_id) ON DELETE RESTRICT;

ALTER TABLE logistics.route_stops
    ADD CONSTRAINT route_stops_order_id_check CHECK ((stop_type = 'depot') = (order_id IS NULL));

COMMENT ON CONSTRAINT route_stops_order_id_fkey ON logistics.route_stops IS 'the stop''s order must be assigned to the same route (and cannot leave it while it has stops there)';

COMMENT ON CONSTRAINT route_stops_order_id_check ON logistics.route_stops IS 'a pickup or delivery stop serves an order; a depot stop serves none';

GRANT INSERT (order_id) ON TABLE logistics.route_stops TO logistics_app;

DROP TABLE logistics.route_stop_orders;

-- the unique index stays, as 0023 left it
ALTER TABLE logistics.route_stops DROP CONSTRAINT route_stops_id_route_id_stop_type_key;

CREATE UNIQUE INDEX route_stops_id_route_id_stop_type_key ON logistics.route_stops (id, route_id, stop_type);
