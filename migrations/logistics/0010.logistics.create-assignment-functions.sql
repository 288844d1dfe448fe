-- Assigning orders to a route, in one round trip and all or nothing:
--   logistics.assign_orders(route_id, order_ids)  locks the route, then the orders in id order;
--   refuses a route that is not planned (DL402), an order that is not pending (DL401), an unknown
--   route or order (P0002); sets the orders assigned to the route and returns them. The capacity
--   trigger on orders then checks the route's load against its vehicle (routes_capacity_check).
-- depends: 0009.logistics.create-operational-outcomes

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION logistics.assign_orders(p_route_id uuid, p_order_ids uuid[])
RETURNS SETOF logistics.orders
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_route logistics.routes;
    v_missing uuid;
    v_code text;
    v_status text;
BEGIN
    SELECT * INTO v_route FROM logistics.routes WHERE id = p_route_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'route % not found', p_route_id USING ERRCODE = 'no_data_found';
    END IF;
    IF v_route.status <> 'planned' THEN
        RAISE EXCEPTION 'route % is % and takes no more orders', v_route.route_code, v_route.status
            USING ERRCODE = 'DL402', SCHEMA = 'logistics', TABLE = 'routes', COLUMN = 'status';
    END IF;
    PERFORM 1
    FROM logistics.orders
    WHERE id = ANY(p_order_ids)
    ORDER BY id
    FOR NO KEY UPDATE;
    SELECT u.id INTO v_missing
    FROM unnest(p_order_ids) AS u(id)
    WHERE NOT EXISTS (SELECT 1 FROM logistics.orders AS o WHERE o.id = u.id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'order % not found', v_missing USING ERRCODE = 'no_data_found';
    END IF;
    SELECT o.order_code, o.status INTO v_code, v_status
    FROM logistics.orders AS o
    WHERE o.id = ANY(p_order_ids)
        AND o.status <> 'pending'
    ORDER BY o.id
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'order % is % and cannot be assigned', v_code, v_status
            USING ERRCODE = 'DL401', SCHEMA = 'logistics', TABLE = 'orders', COLUMN = 'status';
    END IF;
    RETURN QUERY
    UPDATE logistics.orders
    SET status = 'assigned',
        assigned_route_id = p_route_id
    WHERE id = ANY(p_order_ids)
    RETURNING *;
END;
$$;

COMMENT ON FUNCTION logistics.assign_orders(uuid, uuid[]) IS 'Assigns pending orders to a planned route, all or nothing (status and capacity checked); returns the orders.';
