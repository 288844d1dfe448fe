-- name: list_audit_row_history(table_name, row_id, occurred_from, occurred_to, before_occurred_at, before_id, max_rows)
-- A page of the audit trail of one row of a fintech table (row_id: the row's id as text), newest
-- first: every INSERT, UPDATE and DELETE with the row before and after (without the columns the
-- table's audit trigger leaves out), the columns an UPDATE changed, the actor the service named,
-- the database login and the role it acted through. occurred_from and occurred_to bound the time
-- ([from, to); none: unbounded). Keyset pages: pass the last row's occurred_at and id as
-- before_occurred_at and before_id (both none for the first page). Reads the view fintech.audit_log (the fintech roles have no privilege on core.audit_log itself); the
-- fintech_readonly role may run it; fintech_app reads only the rows about the transaction's user (its users row, rows with its user_id, P2P transfers it sent or received).
-- @model AuditEntry
-- @param occurred_from: datetime | None
-- @param occurred_to: datetime | None
-- @param before_occurred_at: datetime | None
-- @param before_id: UUID | None
-- @nonnull id, occurred_at, table_name, operation, db_user, transaction_id
SELECT a.id, a.occurred_at, a.table_name, a.operation, a.row_id, a.old_values, a.new_values, a.changed_columns, a.actor, a.db_user, a.app_role, a.transaction_id
FROM fintech.audit_log AS a
WHERE a.table_name = :table_name
    AND a.row_id = :row_id
    AND a.occurred_at >= (SELECT coalesce(:occurred_from::timestamptz, '-infinity'))
    AND a.occurred_at < (SELECT coalesce(:occurred_to::timestamptz, 'infinity'))
    AND (a.occurred_at, a.id) < (
        (SELECT coalesce(:before_occurred_at::timestamptz, 'infinity')),
        (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
    )
ORDER BY a.occurred_at DESC, a.id DESC
LIMIT :max_rows::int;

-- name: list_audit_actor_actions(actor, table_name, occurred_from, occurred_to, before_occurred_at, before_id, max_rows)
-- A page of the changes to fintech tables made in the name of one actor (the datalayer.actor the
-- service set with db.transaction(actor=...)), newest first; table_name narrows them to one table
-- (none: every table), occurred_from and occurred_to to a time range ([from, to); none:
-- unbounded). Keyset pages as in list_audit_row_history. Reads the view fintech.audit_log (the fintech roles have no privilege on core.audit_log itself); the fintech_readonly role may
-- run it; fintech_app reads only the rows about the transaction's user (its users row, rows with its user_id, P2P transfers it sent or received).
-- @model AuditEntry
-- @param table_name: str | None
-- @param occurred_from: datetime | None
-- @param occurred_to: datetime | None
-- @param before_occurred_at: datetime | None
-- @param before_id: UUID | None
-- @nonnull id, occurred_at, table_name, operation, db_user, transaction_id
SELECT a.id, a.occurred_at, a.table_name, a.operation, a.row_id, a.old_values, a.new_values, a.changed_columns, a.actor, a.db_user, a.app_role, a.transaction_id
FROM fintech.audit_log AS a
WHERE a.actor = :actor
    AND (:table_name::text IS NULL OR a.table_name = :table_name::text)
    AND a.occurred_at >= (SELECT coalesce(:occurred_from::timestamptz, '-infinity'))
    AND a.occurred_at < (SELECT coalesce(:occurred_to::timestamptz, 'infinity'))
    AND (a.occurred_at, a.id) < (
        (SELECT coalesce(:before_occurred_at::timestamptz, 'infinity')),
        (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
    )
ORDER BY a.occurred_at DESC, a.id DESC
LIMIT :max_rows::int;
