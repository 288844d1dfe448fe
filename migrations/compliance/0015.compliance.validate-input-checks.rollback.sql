-- Undo 0015.compliance.validate-input-checks: a validated check cannot be marked not valid again,
-- so each is dropped and added back NOT VALID with its comment, as 0014 left it.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE compliance.report_schedules
    DROP CONSTRAINT report_schedules_parameters_length_check,
    DROP CONSTRAINT report_schedules_recipients_length_check,
    ADD CONSTRAINT report_schedules_parameters_length_check CHECK (octet_length(parameters::text) <= 10000) NOT VALID,
    ADD CONSTRAINT report_schedules_recipients_length_check CHECK (NOT jsonb_path_exists(to_jsonb(recipients), '$[*] ? (@ like_regex "^.{255}" flag "s")')) NOT VALID;

COMMENT ON CONSTRAINT report_schedules_parameters_length_check ON compliance.report_schedules IS 'parameters must be at most 10000 bytes as JSON text';

COMMENT ON CONSTRAINT report_schedules_recipients_length_check ON compliance.report_schedules IS 'each recipient must have at most 254 characters';

ALTER TABLE compliance.integration_configurations
    DROP CONSTRAINT integration_configurations_credentials_encrypted_length_check,
    DROP CONSTRAINT integration_configurations_settings_length_check,
    DROP CONSTRAINT integration_configurations_last_sync_error_length_check,
    ADD CONSTRAINT integration_configurations_credentials_encrypted_length_check CHECK (octet_length(credentials_encrypted) <= 16384) NOT VALID,
    ADD CONSTRAINT integration_configurations_settings_length_check CHECK (octet_length(settings::text) <= 10000) NOT VALID,
    ADD CONSTRAINT integration_configurations_last_sync_error_length_check CHECK (length(last_sync_error) <= 2000) NOT VALID;

COMMENT ON CONSTRAINT integration_configurations_credentials_encrypted_length_check ON compliance.integration_configurations IS 'credentials_encrypted must be at most 16384 bytes';

COMMENT ON CONSTRAINT integration_configurations_settings_length_check ON compliance.integration_configurations IS 'settings must be at most 10000 bytes as JSON text';

COMMENT ON CONSTRAINT integration_configurations_last_sync_error_length_check ON compliance.integration_configurations IS 'last_sync_error must have at most 2000 characters';

ALTER TABLE compliance.implementation_plans
    DROP CONSTRAINT implementation_plans_phases_length_check,
    ADD CONSTRAINT implementation_plans_phases_length_check CHECK (octet_length(phases::text) <= 1000000) NOT VALID;

COMMENT ON CONSTRAINT implementation_plans_phases_length_check ON compliance.implementation_plans IS 'phases must be at most 1000000 bytes as JSON text';

ALTER TABLE compliance.generated_policies
    DROP CONSTRAINT generated_policies_content_length_check,
    ADD CONSTRAINT generated_policies_content_length_check CHECK (length(content) <= 1000000) NOT VALID;

COMMENT ON CONSTRAINT generated_policies_content_length_check ON compliance.generated_policies IS 'content must have at most 1000000 characters';

ALTER TABLE compliance.chat_conversations
    DROP CONSTRAINT chat_conversations_messages_length_check,
    ADD CONSTRAINT chat_conversations_messages_length_check CHECK (octet_length(messages::text) <= 1000000) NOT VALID;

COMMENT ON CONSTRAINT chat_conversations_messages_length_check ON compliance.chat_conversations IS 'messages must be at most 1000000 bytes as JSON text';

ALTER TABLE compliance.evidence_items
    DROP CONSTRAINT evidence_items_description_length_check,
    DROP CONSTRAINT evidence_items_ai_metadata_length_check,
    ADD CONSTRAINT evidence_items_description_length_check CHECK (length(description) <= 10000) NOT VALID,
    ADD CONSTRAINT evidence_items_ai_metadata_length_check CHECK (octet_length(ai_metadata::text) <= 100000) NOT VALID;

COMMENT ON CONSTRAINT evidence_items_description_length_check ON compliance.evidence_items IS 'description must have at most 10000 characters';

COMMENT ON CONSTRAINT evidence_items_ai_metadata_length_check ON compliance.evidence_items IS 'ai_metadata must be at most 100000 bytes as JSON text';

ALTER TABLE compliance.compliance_frameworks
    DROP CONSTRAINT compliance_frameworks_description_length_check,
    ADD CONSTRAINT compliance_frameworks_description_length_check CHECK (length(description) <= 10000) NOT VALID;

COMMENT ON CONSTRAINT compliance_frameworks_description_length_check ON compliance.compliance_frameworks IS 'description must have at most 10000 characters';

ALTER TABLE compliance.users
    DROP CONSTRAINT users_hashed_password_length_check,
    ADD CONSTRAINT users_hashed_password_length_check CHECK (length(hashed_password) <= 255) NOT VALID;

COMMENT ON CONSTRAINT users_hashed_password_length_check ON compliance.users IS 'hashed_password must have at most 255 characters';

ALTER TABLE compliance.readiness_assessments
    DROP CONSTRAINT readiness_assessments_overall_score_finite_check,
    DROP CONSTRAINT readiness_assessments_score_breakdown_length_check,
    ADD CONSTRAINT readiness_assessments_overall_score_finite_check CHECK (overall_score NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID,
    ADD CONSTRAINT readiness_assessments_score_breakdown_length_check CHECK (octet_length(score_breakdown::text) <= 100000) NOT VALID;

COMMENT ON CONSTRAINT readiness_assessments_overall_score_finite_check ON compliance.readiness_assessments IS 'overall_score must be a finite number (not NaN or infinite)';

COMMENT ON CONSTRAINT readiness_assessments_score_breakdown_length_check ON compliance.readiness_assessments IS 'score_breakdown must be at most 100000 bytes as JSON text';

ALTER TABLE compliance.assessment_sessions
    DROP CONSTRAINT assessment_sessions_progress_percentage_finite_check,
    DROP CONSTRAINT assessment_sessions_questions_answered_length_check,
    ADD CONSTRAINT assessment_sessions_progress_percentage_finite_check CHECK (progress_percentage NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID,
    ADD CONSTRAINT assessment_sessions_questions_answered_length_check CHECK (octet_length(questions_answered::text) <= 1000000) NOT VALID;

COMMENT ON CONSTRAINT assessment_sessions_progress_percentage_finite_check ON compliance.assessment_sessions IS 'progress_percentage must be a finite number (not NaN or infinite)';

COMMENT ON CONSTRAINT assessment_sessions_questions_answered_length_check ON compliance.assessment_sessions IS 'questions_answered must be at most 1000000 bytes as JSON text';
