-- Undo 0022.logistics.drop-orders-customer-id-idx.
-- (not transactional, as the migration: CREATE INDEX CONCURRENTLY cannot run in a transaction)

CREATE INDEX CONCURRENTLY orders_customer_id_idx ON logistics.orders (customer_id);
