-- Undo 0005.core.add-audit-log-actor-index.
-- (not transactional, as the migration: DROP INDEX CONCURRENTLY cannot run in a transaction)

DROP INDEX CONCURRENTLY IF EXISTS core.audit_log_schema_name_actor_occurred_at_idx;
