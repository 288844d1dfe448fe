-- export_readiness: email is unique among live users only, so the email of a deleted user can sign
-- up again. The partial unique index is built CONCURRENTLY (writes go on), then the index on every
-- user is dropped; the next migration gives the new one the old name (users_email_key, the name
-- errors report) and its COMMENT. Partial indexes on deleted_at let purge_deleted find what
-- expired without scanning the tables. The file is not transactional: a run killed halfway leaves
-- an INVALID index that the next `datalayer migrate` drops and builds again.
-- depends: 0016.export_readiness.add-soft-delete
-- transactional: false
-- squawk-disable-assume-in-transaction

-- The runner starts the session with lock_timeout 5s and statement_timeout 15min (a file may not
-- SET outside a transaction), and repairs an interrupted build (IF NOT EXISTS would keep it INVALID).
-- squawk-ignore prefer-robust-stmts, require-lock-timeout, require-statement-timeout
CREATE UNIQUE INDEX CONCURRENTLY users_live_email_key ON export_readiness.users (lower(email)) WHERE deleted_at IS NULL;

-- squawk-ignore require-lock-timeout, require-statement-timeout
DROP INDEX CONCURRENTLY IF EXISTS export_readiness.users_email_key;

-- squawk-ignore prefer-robust-stmts, require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY users_deleted_at_idx ON export_readiness.users (deleted_at) WHERE deleted_at IS NOT NULL;

-- squawk-ignore prefer-robust-stmts, require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY reports_deleted_at_idx ON export_readiness.reports (deleted_at) WHERE deleted_at IS NOT NULL;
