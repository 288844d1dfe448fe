-- logistics.audit_log is scoped to the acting user for logistics_app. The view runs as its owner,
-- so until now the service read every logistics audit row, other users' e-mail addresses in the
-- users rows among them. logistics_app now reads, of the users rows, only the one of the user of
-- its transaction (datalayer.user_id, core.current_user_id(); no user set, none). The operational
-- tables it audits (decisions, routes, orders) belong to no user: every dispatcher's service reads
-- and changes all of them, so their audit rows stay readable to it. logistics_readonly
-- (reporting) and the owner still read every logistics row. current_user inside a view is the
-- caller, not the view's owner; the scalar subqueries are evaluated once per query.
-- depends: 0024.logistics.create-route-stop-orders 0004.core.create-roles

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
WHERE a.schema_name = 'logistics'
    AND (
        (SELECT pg_catalog.pg_has_role('logistics_readonly', 'USAGE')
            OR pg_catalog.pg_has_role('datalayer_owner', 'USAGE'))
        OR a.table_name <> 'users'
        OR coalesce(a.new_values, a.old_values) ->> 'id' = (SELECT core.current_user_id()::text)
    );

COMMENT ON VIEW logistics.audit_log IS 'The audit trail of the logistics tables (core.audit_log where schema_name = logistics), read-only; logistics_readonly reads every row, logistics_app the rows of the operational tables (decisions, routes, orders) and, of the users rows, only the acting user''s (datalayer.user_id). The logistics roles have no privilege on core.audit_log.';
