-- Undo 0050.fintech.scope-audit-log-to-acting-user: every fintech role reads every fintech audit
-- row again, as 0014 left the view.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE OR REPLACE VIEW fintech.audit_log WITH (security_barrier) AS
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
WHERE a.schema_name = 'fintech';

COMMENT ON VIEW fintech.audit_log IS 'The audit trail of the fintech tables (core.audit_log where schema_name = fintech), read-only; the fintech roles read it here and have no privilege on core.audit_log.';
