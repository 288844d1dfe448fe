-- Undo 0017.export_readiness.index-live-emails: back to one email per user, deleted or not (fails
-- with a unique violation while a deleted user and a live one share an email: purge first).
-- transactional: false

DROP INDEX CONCURRENTLY IF EXISTS export_readiness.reports_deleted_at_idx;

DROP INDEX CONCURRENTLY IF EXISTS export_readiness.users_deleted_at_idx;

CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON export_readiness.users (lower(email));

DROP INDEX CONCURRENTLY IF EXISTS export_readiness.users_live_email_key;
