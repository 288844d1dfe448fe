-- Undo 0007.logistics.create-orders.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TRIGGER _200_check_capacity ON logistics.vehicles;

DROP FUNCTION logistics.tg_vehicles__check_capacity();

DROP TRIGGER _200_check_capacity ON logistics.routes;

DROP FUNCTION logistics.tg_routes__check_capacity();

DROP TABLE logistics.orders;

DROP FUNCTION logistics.tg_orders__check_route_capacity();

DROP FUNCTION logistics._check_route_capacity(uuid);
