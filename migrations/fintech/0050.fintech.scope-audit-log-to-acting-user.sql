-- fintech.audit_log is scoped to the acting user for fintech_app. The view runs as its owner, so
-- until now every role it is granted to read every fintech audit row: the service acting for one
-- user read other users' balances and e-mail addresses. fintech_app now reads only the rows about
-- the user of its transaction (datalayer.user_id, core.current_user_id()): the users row with that
-- id, rows of other tables whose image (new values, or old ones for a DELETE) has that user_id,
-- and P2P transfers that user sent or received. No user set: no row. fintech_worker and
-- fintech_readonly (back office and reporting, across users) and the owner still read every
-- fintech row. current_user inside a view is the caller, not the view's owner, so the role test
-- sees the role the query runs as; the scalar subqueries are evaluated once per query.
-- depends: 0040.fintech.partition-ledger 0004.core.create-roles

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
WHERE a.schema_name = 'fintech'
    AND (
        (SELECT pg_catalog.pg_has_role('fintech_worker', 'USAGE')
            OR pg_catalog.pg_has_role('fintech_readonly', 'USAGE')
            OR pg_catalog.pg_has_role('datalayer_owner', 'USAGE'))
        OR coalesce(a.new_values, a.old_values) ->> (CASE WHEN a.table_name = 'users' THEN 'id' ELSE 'user_id' END)
            = (SELECT core.current_user_id()::text)
        OR (a.table_name = 'p2p_transactions'
            AND (SELECT core.current_user_id()::text) IN (
                coalesce(a.new_values, a.old_values) ->> 'sender_id',
                coalesce(a.new_values, a.old_values) ->> 'recipient_id'
            ))
    );

COMMENT ON VIEW fintech.audit_log IS 'The audit trail of the fintech tables (core.audit_log where schema_name = fintech), read-only; fintech_worker and fintech_readonly read every row, fintech_app only the rows about the acting user (datalayer.user_id): its users row, rows whose user_id is that user, transfers between users it sent or received. The fintech roles have no privilege on core.audit_log.';
