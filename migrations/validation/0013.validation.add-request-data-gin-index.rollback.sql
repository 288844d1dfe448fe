-- Undo 0013.validation.add-request-data-gin-index.
-- (not transactional, as the migration: DROP INDEX CONCURRENTLY cannot run in a transaction)

DROP INDEX CONCURRENTLY IF EXISTS validation.validation_sessions_request_data_idx;
