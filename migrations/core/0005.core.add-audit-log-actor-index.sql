-- core: an index on core.audit_log for "what did this actor do": (schema_name, actor, occurred_at
-- DESC, id DESC), partial on rows that name an actor. Each application's list_audit_actor_actions
-- reads its own schema's rows of one actor newest first, in keyset pages; the index gives them in
-- that order (schema_name first, as every application's view and policy filters on it). A row's
-- history keeps using audit_log_table_name_row_id_idx from 0003.
-- Built CONCURRENTLY (the audit trail is the largest table there is, and every audited write
-- inserts into it), so the file is not transactional and holds this one statement; a run killed
-- half-way leaves an INVALID index that the next `datalayer migrate` drops and builds again.
-- depends: 0004.core.create-roles
-- transactional: false
-- squawk-disable-assume-in-transaction

-- The runner starts the session with lock_timeout 5s and statement_timeout 15min (a file may not
-- SET outside a transaction), and repairs an interrupted build (IF NOT EXISTS would keep it INVALID).
-- squawk-ignore prefer-robust-stmts, require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY audit_log_schema_name_actor_occurred_at_idx ON core.audit_log (schema_name, actor, occurred_at DESC, id DESC) WHERE actor IS NOT NULL;
