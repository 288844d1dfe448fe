-- Undo 0010.fintech.grant-roles: no grants to the fintech roles; PUBLIC's defaults back.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

REVOKE SELECT ON core.audit_log FROM fintech_app, fintech_worker, fintech_readonly;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA fintech FROM fintech_app, fintech_worker, fintech_readonly;

REVOKE ALL ON ALL TABLES IN SCHEMA fintech FROM fintech_app, fintech_worker, fintech_readonly;

REVOKE EXECUTE ON FUNCTION core.uuid_v7(), core.current_user_id() FROM fintech_app, fintech_worker, fintech_readonly;

REVOKE USAGE ON SCHEMA core, fintech FROM fintech_app, fintech_worker, fintech_readonly;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA fintech TO PUBLIC;
