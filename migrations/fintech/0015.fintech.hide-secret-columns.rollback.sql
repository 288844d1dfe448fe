-- Undo 0015.fintech.hide-secret-columns: SELECT on the whole tables again, as 0010 granted it.
-- (Revoking a table privilege revokes the same privilege on its columns too.)

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

REVOKE SELECT ON fintech.cards FROM fintech_worker, fintech_readonly;

GRANT SELECT ON fintech.cards TO fintech_worker, fintech_readonly;

REVOKE SELECT ON fintech.users FROM fintech_app, fintech_worker, fintech_readonly;

GRANT SELECT ON fintech.users TO fintech_app, fintech_worker, fintech_readonly;
