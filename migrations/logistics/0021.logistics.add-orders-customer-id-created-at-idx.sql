-- logistics: (customer_id, created_at, id) on orders for list_orders_by_customer (a customer's
-- orders newest first, in keyset pages, within a time range). It leads with customer_id, so it
-- also backs orders_customer_id_fkey, and orders_customer_id_idx (customer_id alone) is dropped in
-- 0022 once this one exists. Built CONCURRENTLY, alone in a non-transactional file.
-- depends: 0020.logistics.add-orders-destination-city-idx
-- transactional: false
-- squawk-disable-assume-in-transaction

-- The runner starts the session with lock_timeout 5s and statement_timeout 15min (a file may not
-- SET outside a transaction), and repairs an interrupted build (IF NOT EXISTS would keep it INVALID).
-- squawk-ignore prefer-robust-stmts, require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY orders_customer_id_created_at_idx ON logistics.orders (customer_id, created_at, id);
