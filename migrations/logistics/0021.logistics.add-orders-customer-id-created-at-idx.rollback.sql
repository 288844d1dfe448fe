-- Undo 0021.logistics.add-orders-customer-id-created-at-idx.
-- (not transactional, as the migration: DROP INDEX CONCURRENTLY cannot run in a transaction)

DROP INDEX CONCURRENTLY IF EXISTS logistics.orders_customer_id_created_at_idx;
