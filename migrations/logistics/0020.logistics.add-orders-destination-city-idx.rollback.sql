-- Undo 0020.logistics.add-orders-destination-city-idx.
-- (not transactional, as the migration: DROP INDEX CONCURRENTLY cannot run in a transaction)

DROP INDEX CONCURRENTLY IF EXISTS logistics.orders_destination_city_idx;
