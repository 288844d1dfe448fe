-- logistics.audit_log: the audit trail of the logistics tables (core.audit_log rows with
-- schema_name = 'logistics'), the only part of the trail the logistics roles may read. The view
-- runs as its owner, datalayer_owner, which core.audit_log's owner policy lets read every row; the
-- view's WHERE keeps the other applications' rows out, and security_barrier keeps a caller's
-- functions from seeing rows before that filter. The logistics roles get SELECT on the view and
-- nothing on core.audit_log itself, so they cannot write the trail (only core's definer trigger
-- does) nor read another application's part of it. (A policy on core.audit_log would do the same
-- but belongs to core's schema: it would change core's dump whenever this application is
-- installed.)
-- depends: 0011.logistics.create-user-functions 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE VIEW logistics.audit_log WITH (security_barrier) AS
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
