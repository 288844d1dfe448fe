-- Undo 0014.validation.add-user-context-gin-index.
-- (not transactional, as the migration: DROP INDEX CONCURRENTLY cannot run in a transaction)

DROP INDEX CONCURRENTLY IF EXISTS validation.validation_sessions_user_context_idx;
