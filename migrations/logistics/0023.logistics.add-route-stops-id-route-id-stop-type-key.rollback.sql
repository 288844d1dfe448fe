-- Undo 0023.logistics.add-route-stops-id-route-id-stop-type-key.
-- (not transactional, as the migration: DROP INDEX CONCURRENTLY cannot run in a transaction)

DROP INDEX CONCURRENTLY IF EXISTS logistics.route_stops_id_route_id_stop_type_key;
