-- Undo 0040.compliance.scope-audit-read-to-acting-user: compliance_app and compliance_readonly
-- read every compliance audit row again under one policy, as 0013 left them.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP POLICY audit_log_compliance_readonly_read ON core.audit_log;

DROP POLICY audit_log_compliance_app_own ON core.audit_log;

CREATE POLICY audit_log_compliance_read ON core.audit_log
    FOR SELECT
    TO compliance_app, compliance_readonly
    USING (schema_name = 'compliance');

COMMENT ON POLICY audit_log_compliance_read ON core.audit_log IS 'The compliance roles read the audit rows of the compliance schema only; only the definer trigger writes.';
