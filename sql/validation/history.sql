-- name: list_session_status_history(session_id)
-- The status history of a session, oldest first, read from the audit trail (core.audit_log): its
-- creation (from_status none) and every change of status, with when it happened, the actor the
-- service named (db.transaction(actor=...)), the database login and the role it acted through.
-- validation_app sees the history of the sessions its user may see, the worker and reporting roles
-- that of every session; empty for an unknown session.
-- @nonnull id, occurred_at, to_status, db_user
SELECT
    a.id,
    a.occurred_at,
    a.old_values ->> 'status' AS from_status,
    a.new_values ->> 'status' AS to_status,
    a.actor,
    a.db_user,
    a.app_role
FROM core.audit_log AS a
WHERE a.schema_name = 'validation'
    AND a.table_name = 'validation_sessions'
    AND a.row_id = :session_id::uuid::text
    AND (a.operation = 'INSERT' OR (a.operation = 'UPDATE' AND 'status' = ANY(a.changed_columns)))
ORDER BY a.occurred_at, a.id;
