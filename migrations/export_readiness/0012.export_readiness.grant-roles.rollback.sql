-- Undo 0012.export_readiness.grant-roles: take back every grant and drop the audit read policies.
-- PUBLIC had no privilege on the schema or its objects before, so there is nothing to give back.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP POLICY audit_log_export_readiness_readonly_read ON core.audit_log;

DROP POLICY audit_log_export_readiness_app_own ON core.audit_log;

REVOKE ALL ON TABLE core.audit_log FROM export_readiness_app, export_readiness_readonly;

-- a table-level REVOKE also revokes the column privileges on each of its columns
REVOKE ALL ON ALL TABLES IN SCHEMA export_readiness FROM export_readiness_app, export_readiness_readonly;

REVOKE EXECUTE ON FUNCTION core.uuid_v7(), core.current_user_id() FROM export_readiness_app;

REVOKE USAGE ON SCHEMA core, export_readiness FROM export_readiness_app, export_readiness_readonly;
