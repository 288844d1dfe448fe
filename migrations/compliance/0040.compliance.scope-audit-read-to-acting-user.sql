-- compliance_app reads only the audit rows about the acting user. The policy
-- audit_log_compliance_read let compliance_app and compliance_readonly read every compliance row
-- of core.audit_log: the service acting for one user read other users' e-mail addresses,
-- business profiles and evidence. It is replaced by one policy per role, as export_readiness has:
-- compliance_app reads the compliance rows about the user of its transaction (datalayer.user_id,
-- core.current_user_id()): the users row with that id and rows of other tables whose image (new
-- values, or old ones for a DELETE) has that user_id; no user set, no row. compliance_readonly
-- (reporting) still reads every compliance row; compliance_worker has no privilege on the trail.
-- depends: 0030.compliance.insert-reference-frameworks 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP POLICY audit_log_compliance_read ON core.audit_log;

CREATE POLICY audit_log_compliance_app_own ON core.audit_log
    FOR SELECT
    TO compliance_app
    USING (
        schema_name = 'compliance'
        AND coalesce(new_values, old_values) ->> (CASE WHEN table_name = 'users' THEN 'id' ELSE 'user_id' END) = core.current_user_id()::text
    );

CREATE POLICY audit_log_compliance_readonly_read ON core.audit_log
    FOR SELECT
    TO compliance_readonly
    USING (schema_name = 'compliance');

COMMENT ON POLICY audit_log_compliance_app_own ON core.audit_log IS 'The ruleIQ service reads the compliance audit rows about the acting user (datalayer.user_id) only; only the definer trigger writes.';

COMMENT ON POLICY audit_log_compliance_readonly_read ON core.audit_log IS 'ruleIQ reporting reads every compliance audit row, and no other application''s; only the definer trigger writes.';
