-- compliance: least privilege and tenant isolation.
--
-- Privileges. Nothing in the schema is granted to PUBLIC any more. compliance_app (the service) gets
-- exactly what the queries in sql/compliance/ need, column by column for INSERT and UPDATE: no
-- TRUNCATE, no REFERENCES, no TRIGGER, no DDL, no write on compliance_frameworks (shared reference
-- data the operators maintain as the owner), and no read of users.hashed_password or
-- integration_configurations.credentials_encrypted (only the definer functions of 0012 return
-- those). compliance_readonly reads every table for reporting, without those two columns.
-- compliance_worker runs the report queue (update_due_report_schedules): it reads and claims
-- schedules of every user and nothing else.
--
-- Row-level security, ENABLE and FORCE, on compliance.users (by id) and every table with a user_id:
-- compliance_app sees and writes only the rows of the transaction's user (core.current_user_id(),
-- the setting datalayer.user_id; unset means no rows); compliance_readonly reads all rows;
-- compliance_worker reads and claims active report schedules; datalayer_owner (migrations and the
-- definer functions, FORCE applies to it too) keeps every row.
--
-- Audit: compliance.users is audited now, without its password hash; compliance_app and
-- compliance_readonly read the audit rows of the compliance schema only.
-- depends: 0012.compliance.create-access-functions 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

REVOKE ALL ON SCHEMA compliance FROM PUBLIC;

REVOKE ALL ON ALL TABLES IN SCHEMA compliance FROM PUBLIC;

REVOKE ALL ON ALL SEQUENCES IN SCHEMA compliance FROM PUBLIC;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA compliance FROM PUBLIC;

GRANT USAGE ON SCHEMA core TO compliance_app, compliance_readonly;

GRANT USAGE ON SCHEMA compliance TO compliance_app, compliance_readonly, compliance_worker;

GRANT EXECUTE ON FUNCTION core.uuid_v7() TO compliance_app;

GRANT EXECUTE ON FUNCTION core.current_user_id() TO compliance_app;

GRANT EXECUTE ON FUNCTION compliance.next_report_run_at(timestamptz, text, timestamptz) TO compliance_worker;

GRANT SELECT (id, email, is_active, is_superuser, created_at, updated_at) ON TABLE compliance.users TO compliance_app;

GRANT UPDATE (is_active) ON TABLE compliance.users TO compliance_app;

GRANT DELETE ON TABLE compliance.users TO compliance_app;

GRANT SELECT ON TABLE compliance.compliance_frameworks TO compliance_app;

GRANT SELECT ON TABLE compliance.business_profiles TO compliance_app;

GRANT INSERT (user_id, company_name, industry, employee_count, handles_personal_data, processes_payments, stores_health_data, provides_financial_services, operates_critical_infrastructure, has_international_operations, data_sensitivity) ON TABLE compliance.business_profiles TO compliance_app;

GRANT UPDATE (company_name, industry, employee_count, handles_personal_data, processes_payments, stores_health_data, provides_financial_services, operates_critical_infrastructure, has_international_operations, data_sensitivity) ON TABLE compliance.business_profiles TO compliance_app;

GRANT DELETE ON TABLE compliance.business_profiles TO compliance_app;

GRANT SELECT ON TABLE compliance.assessment_sessions TO compliance_app;

GRANT INSERT (user_id, business_profile_id, framework_id, session_name) ON TABLE compliance.assessment_sessions TO compliance_app;

GRANT UPDATE (questions_answered, progress_percentage, status, completed_at) ON TABLE compliance.assessment_sessions TO compliance_app;

GRANT SELECT ON TABLE compliance.evidence_items TO compliance_app;

GRANT INSERT (user_id, business_profile_id, framework_id, evidence_name, description, control_reference, priority, ai_metadata) ON TABLE compliance.evidence_items TO compliance_app;

GRANT UPDATE (file_path, file_type, file_size, status, approved_at, approved_by) ON TABLE compliance.evidence_items TO compliance_app;

GRANT SELECT ON TABLE compliance.chat_conversations TO compliance_app;

GRANT INSERT (user_id, business_profile_id, title) ON TABLE compliance.chat_conversations TO compliance_app;

GRANT UPDATE (messages, last_message_at) ON TABLE compliance.chat_conversations TO compliance_app;

GRANT SELECT ON TABLE compliance.generated_policies TO compliance_app;

GRANT INSERT (user_id, business_profile_id, framework_id, policy_name, policy_type, version, content) ON TABLE compliance.generated_policies TO compliance_app;

GRANT UPDATE (status, approved_at, approved_by) ON TABLE compliance.generated_policies TO compliance_app;

GRANT SELECT ON TABLE compliance.implementation_plans TO compliance_app;

GRANT INSERT (user_id, business_profile_id, framework_id, title, phases, planned_start_date, planned_end_date) ON TABLE compliance.implementation_plans TO compliance_app;

GRANT UPDATE (phases, status) ON TABLE compliance.implementation_plans TO compliance_app;

GRANT SELECT ON TABLE compliance.readiness_assessments TO compliance_app;

GRANT INSERT (user_id, business_profile_id, framework_id, overall_score, risk_level, score_breakdown) ON TABLE compliance.readiness_assessments TO compliance_app;

GRANT SELECT (id, user_id, provider, display_name, credentials_updated_at, settings, is_active, last_sync_at, last_sync_status, last_sync_error, created_at, updated_at) ON TABLE compliance.integration_configurations TO compliance_app;

GRANT INSERT (user_id, provider, display_name, credentials_encrypted, settings) ON TABLE compliance.integration_configurations TO compliance_app;

GRANT UPDATE (credentials_encrypted, credentials_updated_at, last_sync_at, last_sync_status, last_sync_error) ON TABLE compliance.integration_configurations TO compliance_app;

GRANT DELETE ON TABLE compliance.integration_configurations TO compliance_app;

GRANT SELECT ON TABLE compliance.report_schedules TO compliance_app;

GRANT INSERT (user_id, business_profile_id, report_type, frequency, parameters, recipients, next_run_at) ON TABLE compliance.report_schedules TO compliance_app;

GRANT UPDATE (is_active) ON TABLE compliance.report_schedules TO compliance_app;

GRANT DELETE ON TABLE compliance.report_schedules TO compliance_app;

GRANT SELECT (id, email, is_active, is_superuser, created_at, updated_at) ON TABLE compliance.users TO compliance_readonly;

GRANT SELECT ON TABLE compliance.compliance_frameworks TO compliance_readonly;

GRANT SELECT ON TABLE compliance.business_profiles TO compliance_readonly;

GRANT SELECT ON TABLE compliance.assessment_sessions TO compliance_readonly;

GRANT SELECT ON TABLE compliance.evidence_items TO compliance_readonly;

GRANT SELECT ON TABLE compliance.chat_conversations TO compliance_readonly;

GRANT SELECT ON TABLE compliance.generated_policies TO compliance_readonly;

GRANT SELECT ON TABLE compliance.implementation_plans TO compliance_readonly;

GRANT SELECT ON TABLE compliance.readiness_assessments TO compliance_readonly;

GRANT SELECT (id, user_id, provider, display_name, credentials_updated_at, settings, is_active, last_sync_at, last_sync_status, last_sync_error, created_at, updated_at) ON TABLE compliance.integration_configurations TO compliance_readonly;

GRANT SELECT ON TABLE compliance.report_schedules TO compliance_readonly;

GRANT SELECT (id, user_id, business_profile_id, report_type, frequency, parameters, recipients, is_active, next_run_at, run_count) ON TABLE compliance.report_schedules TO compliance_worker;

GRANT UPDATE (next_run_at, last_run_at, run_count) ON TABLE compliance.report_schedules TO compliance_worker;

ALTER TABLE compliance.users ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.users FORCE ROW LEVEL SECURITY;

CREATE POLICY users_app_own ON compliance.users
    TO compliance_app
    USING (id = core.current_user_id())
    WITH CHECK (id = core.current_user_id());

COMMENT ON POLICY users_app_own ON compliance.users IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY users_readonly_read ON compliance.users
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY users_readonly_read ON compliance.users IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY users_owner_all ON compliance.users
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY users_owner_all ON compliance.users IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

ALTER TABLE compliance.business_profiles ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.business_profiles FORCE ROW LEVEL SECURITY;

CREATE POLICY business_profiles_app_own ON compliance.business_profiles
    TO compliance_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

COMMENT ON POLICY business_profiles_app_own ON compliance.business_profiles IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY business_profiles_readonly_read ON compliance.business_profiles
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY business_profiles_readonly_read ON compliance.business_profiles IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY business_profiles_owner_all ON compliance.business_profiles
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY business_profiles_owner_all ON compliance.business_profiles IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

ALTER TABLE compliance.assessment_sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.assessment_sessions FORCE ROW LEVEL SECURITY;

CREATE POLICY assessment_sessions_app_own ON compliance.assessment_sessions
    TO compliance_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

COMMENT ON POLICY assessment_sessions_app_own ON compliance.assessment_sessions IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY assessment_sessions_readonly_read ON compliance.assessment_sessions
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY assessment_sessions_readonly_read ON compliance.assessment_sessions IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY assessment_sessions_owner_all ON compliance.assessment_sessions
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY assessment_sessions_owner_all ON compliance.assessment_sessions IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

ALTER TABLE compliance.evidence_items ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.evidence_items FORCE ROW LEVEL SECURITY;

CREATE POLICY evidence_items_app_own ON compliance.evidence_items
    TO compliance_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

COMMENT ON POLICY evidence_items_app_own ON compliance.evidence_items IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY evidence_items_readonly_read ON compliance.evidence_items
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY evidence_items_readonly_read ON compliance.evidence_items IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY evidence_items_owner_all ON compliance.evidence_items
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY evidence_items_owner_all ON compliance.evidence_items IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

ALTER TABLE compliance.chat_conversations ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.chat_conversations FORCE ROW LEVEL SECURITY;

CREATE POLICY chat_conversations_app_own ON compliance.chat_conversations
    TO compliance_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

COMMENT ON POLICY chat_conversations_app_own ON compliance.chat_conversations IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY chat_conversations_readonly_read ON compliance.chat_conversations
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY chat_conversations_readonly_read ON compliance.chat_conversations IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY chat_conversations_owner_all ON compliance.chat_conversations
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY chat_conversations_owner_all ON compliance.chat_conversations IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

ALTER TABLE compliance.generated_policies ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.generated_policies FORCE ROW LEVEL SECURITY;

CREATE POLICY generated_policies_app_own ON compliance.generated_policies
    TO compliance_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

COMMENT ON POLICY generated_policies_app_own ON compliance.generated_policies IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY generated_policies_readonly_read ON compliance.generated_policies
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY generated_policies_readonly_read ON compliance.generated_policies IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY generated_policies_owner_all ON compliance.generated_policies
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY generated_policies_owner_all ON compliance.generated_policies IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

ALTER TABLE compliance.implementation_plans ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.implementation_plans FORCE ROW LEVEL SECURITY;

CREATE POLICY implementation_plans_app_own ON compliance.implementation_plans
    TO compliance_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

COMMENT ON POLICY implementation_plans_app_own ON compliance.implementation_plans IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY implementation_plans_readonly_read ON compliance.implementation_plans
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY implementation_plans_readonly_read ON compliance.implementation_plans IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY implementation_plans_owner_all ON compliance.implementation_plans
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY implementation_plans_owner_all ON compliance.implementation_plans IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

ALTER TABLE compliance.readiness_assessments ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.readiness_assessments FORCE ROW LEVEL SECURITY;

CREATE POLICY readiness_assessments_app_own ON compliance.readiness_assessments
    TO compliance_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

COMMENT ON POLICY readiness_assessments_app_own ON compliance.readiness_assessments IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY readiness_assessments_readonly_read ON compliance.readiness_assessments
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY readiness_assessments_readonly_read ON compliance.readiness_assessments IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY readiness_assessments_owner_all ON compliance.readiness_assessments
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY readiness_assessments_owner_all ON compliance.readiness_assessments IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

ALTER TABLE compliance.integration_configurations ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.integration_configurations FORCE ROW LEVEL SECURITY;

CREATE POLICY integration_configurations_app_own ON compliance.integration_configurations
    TO compliance_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

COMMENT ON POLICY integration_configurations_app_own ON compliance.integration_configurations IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY integration_configurations_readonly_read ON compliance.integration_configurations
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY integration_configurations_readonly_read ON compliance.integration_configurations IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY integration_configurations_owner_all ON compliance.integration_configurations
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY integration_configurations_owner_all ON compliance.integration_configurations IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

ALTER TABLE compliance.report_schedules ENABLE ROW LEVEL SECURITY;

ALTER TABLE compliance.report_schedules FORCE ROW LEVEL SECURITY;

CREATE POLICY report_schedules_app_own ON compliance.report_schedules
    TO compliance_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

COMMENT ON POLICY report_schedules_app_own ON compliance.report_schedules IS 'The service sees and writes only the rows of the transaction''s user (datalayer.user_id); none when it is unset.';

CREATE POLICY report_schedules_readonly_read ON compliance.report_schedules
    FOR SELECT
    TO compliance_readonly
    USING (true);

COMMENT ON POLICY report_schedules_readonly_read ON compliance.report_schedules IS 'Reporting reads the rows of every user (it has no write privilege).';

CREATE POLICY report_schedules_worker_read ON compliance.report_schedules
    FOR SELECT
    TO compliance_worker
    USING (is_active);

COMMENT ON POLICY report_schedules_worker_read ON compliance.report_schedules IS 'The report queue sees the active schedules of every user.';

CREATE POLICY report_schedules_worker_claim ON compliance.report_schedules
    FOR UPDATE
    TO compliance_worker
    USING (is_active)
    WITH CHECK (is_active);

COMMENT ON POLICY report_schedules_worker_claim ON compliance.report_schedules IS 'The report queue claims active schedules of every user (it may change only next_run_at, last_run_at and run_count).';

CREATE POLICY report_schedules_owner_all ON compliance.report_schedules
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY report_schedules_owner_all ON compliance.report_schedules IS 'The owner (migrations, operators, and the definer functions, which run as it) keeps every row.';

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON compliance.users
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('hashed_password');

GRANT SELECT ON TABLE core.audit_log TO compliance_app, compliance_readonly;

CREATE POLICY audit_log_compliance_read ON core.audit_log
    FOR SELECT
    TO compliance_app, compliance_readonly
    USING (schema_name = 'compliance');

COMMENT ON POLICY audit_log_compliance_read ON core.audit_log IS 'The compliance roles read the audit rows of the compliance schema only; only the definer trigger writes.';
