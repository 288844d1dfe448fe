-- Undo 0013.compliance.grant-roles: the policies, row-level security and grants go, PUBLIC gets
-- back what it had by default (USAGE on nothing in this schema was ever granted to PUBLIC; EXECUTE
-- on functions was).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP POLICY audit_log_compliance_read ON core.audit_log;

REVOKE SELECT ON TABLE core.audit_log FROM compliance_app, compliance_readonly;

DROP TRIGGER _900_audit ON compliance.users;

DROP POLICY report_schedules_owner_all ON compliance.report_schedules;

DROP POLICY report_schedules_worker_claim ON compliance.report_schedules;

DROP POLICY report_schedules_worker_read ON compliance.report_schedules;

DROP POLICY report_schedules_readonly_read ON compliance.report_schedules;

DROP POLICY report_schedules_app_own ON compliance.report_schedules;

ALTER TABLE compliance.report_schedules NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.report_schedules DISABLE ROW LEVEL SECURITY;

DROP POLICY integration_configurations_owner_all ON compliance.integration_configurations;

DROP POLICY integration_configurations_readonly_read ON compliance.integration_configurations;

DROP POLICY integration_configurations_app_own ON compliance.integration_configurations;

ALTER TABLE compliance.integration_configurations NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.integration_configurations DISABLE ROW LEVEL SECURITY;

DROP POLICY readiness_assessments_owner_all ON compliance.readiness_assessments;

DROP POLICY readiness_assessments_readonly_read ON compliance.readiness_assessments;

DROP POLICY readiness_assessments_app_own ON compliance.readiness_assessments;

ALTER TABLE compliance.readiness_assessments NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.readiness_assessments DISABLE ROW LEVEL SECURITY;

DROP POLICY implementation_plans_owner_all ON compliance.implementation_plans;

DROP POLICY implementation_plans_readonly_read ON compliance.implementation_plans;

DROP POLICY implementation_plans_app_own ON compliance.implementation_plans;

ALTER TABLE compliance.implementation_plans NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.implementation_plans DISABLE ROW LEVEL SECURITY;

DROP POLICY generated_policies_owner_all ON compliance.generated_policies;

DROP POLICY generated_policies_readonly_read ON compliance.generated_policies;

DROP POLICY generated_policies_app_own ON compliance.generated_policies;

ALTER TABLE compliance.generated_policies NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.generated_policies DISABLE ROW LEVEL SECURITY;

DROP POLICY chat_conversations_owner_all ON compliance.chat_conversations;

DROP POLICY chat_conversations_readonly_read ON compliance.chat_conversations;

DROP POLICY chat_conversations_app_own ON compliance.chat_conversations;

ALTER TABLE compliance.chat_conversations NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.chat_conversations DISABLE ROW LEVEL SECURITY;

DROP POLICY evidence_items_owner_all ON compliance.evidence_items;

DROP POLICY evidence_items_readonly_read ON compliance.evidence_items;

DROP POLICY evidence_items_app_own ON compliance.evidence_items;

ALTER TABLE compliance.evidence_items NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.evidence_items DISABLE ROW LEVEL SECURITY;

DROP POLICY assessment_sessions_owner_all ON compliance.assessment_sessions;

DROP POLICY assessment_sessions_readonly_read ON compliance.assessment_sessions;

DROP POLICY assessment_sessions_app_own ON compliance.assessment_sessions;

ALTER TABLE compliance.assessment_sessions NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.assessment_sessions DISABLE ROW LEVEL SECURITY;

DROP POLICY business_profiles_owner_all ON compliance.business_profiles;

DROP POLICY business_profiles_readonly_read ON compliance.business_profiles;

DROP POLICY business_profiles_app_own ON compliance.business_profiles;

ALTER TABLE compliance.business_profiles NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.business_profiles DISABLE ROW LEVEL SECURITY;

DROP POLICY users_owner_all ON compliance.users;

DROP POLICY users_readonly_read ON compliance.users;

DROP POLICY users_app_own ON compliance.users;

ALTER TABLE compliance.users NO FORCE ROW LEVEL SECURITY;

ALTER TABLE compliance.users DISABLE ROW LEVEL SECURITY;

REVOKE ALL ON ALL TABLES IN SCHEMA compliance FROM compliance_app, compliance_readonly, compliance_worker;

REVOKE EXECUTE ON FUNCTION compliance.next_report_run_at(timestamptz, text, timestamptz) FROM compliance_worker;

REVOKE EXECUTE ON FUNCTION core.current_user_id() FROM compliance_app;

REVOKE EXECUTE ON FUNCTION core.uuid_v7() FROM compliance_app;

REVOKE USAGE ON SCHEMA compliance FROM compliance_app, compliance_readonly, compliance_worker;

REVOKE USAGE ON SCHEMA core FROM compliance_app, compliance_readonly;

GRANT EXECUTE ON FUNCTION compliance.next_report_run_at(timestamptz, text, timestamptz) TO PUBLIC;
