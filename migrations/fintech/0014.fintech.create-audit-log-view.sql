-- fintech.audit_log: the audit trail of the fintech tables (core.audit_log rows with
-- schema_name = 'fintech'), the only part of the trail the fintech roles may read.
--
-- 0010 and 0011 gave the fintech roles SELECT on core.audit_log and a read policy there. That
-- policy belongs to core's schema, so installing fintech changed core's schema (its dump), and
-- core's tables should not carry one application's rules. The view runs as its owner,
-- datalayer_owner, which core.audit_log's owner policy lets read every row; its WHERE keeps the
-- other applications' rows out, and security_barrier keeps a caller's functions from seeing rows
-- before that filter. The fintech roles get SELECT on the view and nothing on core.audit_log
-- itself: they cannot write the trail (only core's definer trigger does) nor read another
-- application's part of it.
-- depends: 0013.fintech.validate-value-checks 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE VIEW fintech.audit_log WITH (security_barrier) AS
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

REVOKE ALL ON fintech.audit_log FROM PUBLIC;

GRANT SELECT ON fintech.audit_log TO fintech_app, fintech_worker, fintech_readonly;

DROP POLICY audit_log_fintech_read ON core.audit_log;

REVOKE SELECT ON core.audit_log FROM fintech_app, fintech_worker, fintech_readonly;
