-- Undo 0040.logistics.scope-audit-log-to-acting-user: every logistics role reads every logistics
-- audit row again, as 0012 left the view.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE OR REPLACE VIEW logistics.audit_log WITH (security_barrier) AS
SELECT
    a.id,
    a.occurred_at,
    a.table_name,
    a.operation,
    a.row_id,
    a.old_values,
    a.new_values,
    a.changed_columns,
    a.actor,
    a.db_user,
    a.app_role,
    a.transaction_id
FROM core.audit_log AS a
WHERE a.schema_name = 'logistics';

COMMENT ON VIEW logistics.audit_log IS 'The audit trail of the logistics tables (core.audit_log where schema_name = logistics), read-only; the logistics roles read it here and have no privilege on core.audit_log.';
