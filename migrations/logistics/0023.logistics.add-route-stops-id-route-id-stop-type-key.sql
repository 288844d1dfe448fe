-- logistics: a unique index on route_stops (id, route_id, stop_type), the target of the foreign key
-- by which a stop's orders (route_stop_orders, 0024) prove they sit on the stop's route and serve a
-- pickup or delivery stop. id alone is unique already, so the index refuses nothing; 0024 turns it
-- into the constraint route_stops_id_route_id_stop_type_key. Built CONCURRENTLY, alone in a
-- non-transactional file.
-- depends: 0022.logistics.drop-orders-customer-id-idx
-- transactional: false
-- squawk-disable-assume-in-transaction

-- The runner starts the session with lock_timeout 5s and statement_timeout 15min (a file may not
-- SET outside a transaction), and repairs an interrupted build (IF NOT EXISTS would keep it INVALID).
-- squawk-ignore prefer-robust-stmts, require-lock-timeout, require-statement-timeout
CREATE UNIQUE INDEX CONCURRENTLY route_stops_id_route_id_stop_type_key ON logistics.route_stops (id, route_id, stop_type);
