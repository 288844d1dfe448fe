-- compliance: validate the checks 0014 added NOT VALID (existing rows are scanned under a SHARE
-- UPDATE EXCLUSIVE lock, which lets reads and writes go on).
-- depends: 0014.compliance.add-input-checks

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE compliance.assessment_sessions VALIDATE CONSTRAINT assessment_sessions_progress_percentage_finite_check;

ALTER TABLE compliance.assessment_sessions VALIDATE CONSTRAINT assessment_sessions_questions_answered_length_check;

ALTER TABLE compliance.readiness_assessments VALIDATE CONSTRAINT readiness_assessments_overall_score_finite_check;

ALTER TABLE compliance.readiness_assessments VALIDATE CONSTRAINT readiness_assessments_score_breakdown_length_check;

ALTER TABLE compliance.users VALIDATE CONSTRAINT users_hashed_password_length_check;

ALTER TABLE compliance.compliance_frameworks VALIDATE CONSTRAINT compliance_frameworks_description_length_check;

ALTER TABLE compliance.evidence_items VALIDATE CONSTRAINT evidence_items_description_length_check;

ALTER TABLE compliance.evidence_items VALIDATE CONSTRAINT evidence_items_ai_metadata_length_check;

ALTER TABLE compliance.chat_conversations VALIDATE CONSTRAINT chat_conversations_messages_length_check;

ALTER TABLE compliance.generated_policies VALIDATE CONSTRAINT generated_policies_content_length_check;

ALTER TABLE compliance.implementation_plans VALIDATE CONSTRAINT implementation_plans_phases_length_check;

ALTER TABLE compliance.integration_configurations VALIDATE CONSTRAINT integration_configurations_credentials_encrypted_length_check;

ALTER TABLE compliance.integration_configurations VALIDATE CONSTRAINT integration_configurations_settings_length_check;

ALTER TABLE compliance.integration_configurations VALIDATE CONSTRAINT integration_configurations_last_sync_error_length_check;

ALTER TABLE compliance.report_schedules VALIDATE CONSTRAINT report_schedules_parameters_length_check;

ALTER TABLE compliance.report_schedules VALIDATE CONSTRAINT report_schedules_recipients_length_check;
