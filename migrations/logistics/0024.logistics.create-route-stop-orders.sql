-- logistics.route_stop_orders: the orders a stop serves, one row per (stop, order), as the seed's
-- route_stops.order_ids JSON array implies (a stop may pick up or deliver several orders at one
-- place). It replaces route_stops.order_id, which allowed one order per stop: the existing links
-- are copied over, then the column, its foreign key, its check and its index are dropped.
--
-- The rules, all in the database:
-- * the order is on the stop's route: FOREIGN KEY (order_id, route_id) -> orders (id,
--   assigned_route_id), so an order cannot leave a route while a stop there serves it (as before);
-- * the stop is a pickup or delivery stop of that route: FOREIGN KEY (route_stop_id, route_id,
--   stop_type) -> route_stops (id, route_id, stop_type) ON UPDATE CASCADE, with CHECK stop_type IN
--   (pickup, delivery): a depot stop serves no order, and turning a stop that serves orders into a
--   depot is refused;
-- * a pickup or delivery stop serves at least one order: the constraint triggers
--   route_stops_orders_check (on route_stops) and route_stop_orders_last_order_check (on
--   route_stop_orders) check it at commit (DEFERRABLE INITIALLY DEFERRED), so a stop and its
--   orders can be written by separate statements of one transaction; both raise
--   route_stops_orders_check;
-- * an order is served at most once per stop (the primary key).
-- Rows go with their stop (ON DELETE CASCADE, and so with their route).
-- depends: 0023.logistics.add-route-stops-id-route-id-stop-type-key

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE logistics.route_stops
    ADD CONSTRAINT route_stops_id_route_id_stop_type_key UNIQUE USING INDEX route_stops_id_route_id_stop_type_key;

COMMENT ON CONSTRAINT route_stops_id_route_id_stop_type_key ON logistics.route_stops IS 'a stop has one route and one type';

CREATE TABLE logistics.route_stop_orders (
    route_stop_id uuid NOT NULL,
    order_id uuid NOT NULL,
    route_id uuid NOT NULL,
    stop_type text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT route_stop_orders_pkey PRIMARY KEY (route_stop_id, order_id),
    CONSTRAINT route_stop_orders_route_stop_id_fkey FOREIGN KEY (route_stop_id, route_id, stop_type)
        REFERENCES logistics.route_stops (id, route_id, stop_type) ON UPDATE CASCADE ON DELETE CASCADE,
    CONSTRAINT route_stop_orders_order_id_fkey FOREIGN KEY (order_id, route_id)
        REFERENCES logistics.orders (id, assigned_route_id) ON DELETE RESTRICT,
    CONSTRAINT route_stop_orders_stop_type_check CHECK (stop_type IN ('pickup', 'delivery'))
);

COMMENT ON TABLE logistics.route_stop_orders IS 'The orders each pickup or delivery stop serves (the seed''s route_stops.order_ids); every order on the stop''s route.';

COMMENT ON COLUMN logistics.route_stop_orders.route_id IS 'The stop''s route (copied from the stop; the foreign keys prove the stop and the order are both on it).';

COMMENT ON COLUMN logistics.route_stop_orders.stop_type IS 'The stop''s type (copied from the stop): pickup or delivery, never depot.';

COMMENT ON CONSTRAINT route_stop_orders_pkey ON logistics.route_stop_orders IS 'the stop already serves that order';

COMMENT ON CONSTRAINT route_stop_orders_route_stop_id_fkey ON logistics.route_stop_orders IS 'route_stop_id must be an existing stop of the same route and type';

COMMENT ON CONSTRAINT route_stop_orders_order_id_fkey ON logistics.route_stop_orders IS 'the stop''s order must be assigned to the same route (and cannot leave it while a stop there serves it)';

COMMENT ON CONSTRAINT route_stop_orders_stop_type_check ON logistics.route_stop_orders IS 'a depot stop serves no order';

CREATE INDEX route_stop_orders_order_id_route_id_idx ON logistics.route_stop_orders (order_id, route_id);

CREATE INDEX route_stop_orders_route_stop_id_route_id_stop_type_idx ON logistics.route_stop_orders (route_stop_id, route_id, stop_type);

INSERT INTO logistics.route_stop_orders (route_stop_id, order_id, route_id, stop_type)
SELECT s.id, s.order_id, s.route_id, s.stop_type
FROM logistics.route_stops AS s
WHERE s.order_id IS NOT NULL;

-- The column takes route_stops_order_id_check, route_stops_order_id_fkey and
-- route_stops_order_id_idx with it (all three are on it); no query reads it any more.
-- squawk-ignore ban-drop-column
ALTER TABLE logistics.route_stops DROP COLUMN order_id;

COMMENT ON TABLE logistics.route_stops IS 'The stops of a route, in sequence_order: pickups and deliveries of its orders (route_stop_orders), and depot stops.';

CREATE FUNCTION logistics.tg_route_stops__check_orders() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_stop_id uuid;
BEGIN
    IF TG_TABLE_NAME = 'route_stops' THEN
        v_stop_id := NEW.id;
    ELSE
        v_stop_id := OLD.route_stop_id;
    END IF;
    IF EXISTS (
        SELECT 1
        FROM logistics.route_stops AS s
        WHERE s.id = v_stop_id
            AND s.stop_type <> 'depot'
            AND NOT EXISTS (SELECT 1 FROM logistics.route_stop_orders AS so WHERE so.route_stop_id = s.id)
    ) THEN
        RAISE EXCEPTION 'a pickup or delivery stop must serve at least one order'
            USING ERRCODE = 'check_violation', SCHEMA = 'logistics', TABLE = 'route_stops',
                  CONSTRAINT = 'route_stops_orders_check',
                  HINT = 'name the stop''s orders when adding it, or make it a depot stop';
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION logistics.tg_route_stops__check_orders() IS 'At commit: a pickup or delivery stop (the new stop, or the stop that lost an order) serves at least one order.';

REVOKE ALL ON FUNCTION logistics.tg_route_stops__check_orders() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER route_stops_orders_check
    AFTER INSERT OR UPDATE OF stop_type ON logistics.route_stops
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    EXECUTE FUNCTION logistics.tg_route_stops__check_orders();

COMMENT ON CONSTRAINT route_stops_orders_check ON logistics.route_stops IS 'a pickup or delivery stop serves at least one order; a depot stop serves none';

CREATE CONSTRAINT TRIGGER route_stop_orders_last_order_check
    AFTER DELETE ON logistics.route_stop_orders
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    EXECUTE FUNCTION logistics.tg_route_stops__check_orders();

COMMENT ON CONSTRAINT route_stop_orders_last_order_check ON logistics.route_stop_orders IS 'a pickup or delivery stop keeps at least one order (remove the stop instead)';

REVOKE ALL ON TABLE logistics.route_stop_orders FROM PUBLIC;

GRANT SELECT, INSERT (route_stop_id, order_id, route_id, stop_type), DELETE ON TABLE logistics.route_stop_orders TO logistics_app;

GRANT SELECT ON TABLE logistics.route_stop_orders TO logistics_readonly;
