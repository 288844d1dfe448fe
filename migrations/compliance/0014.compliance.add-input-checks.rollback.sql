-- Undo 0014.compliance.add-input-checks: the checks go, the column comments are restored.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

COMMENT ON COLUMN compliance.report_schedules.recipients IS 'Email addresses the report is sent to (1 to 50).';

COMMENT ON COLUMN compliance.report_schedules.parameters IS 'Report options (a jsonb object), e.g. the frameworks to cover.';

ALTER TABLE compliance.report_schedules
    DROP CONSTRAINT report_schedules_recipients_length_check,
    DROP CONSTRAINT report_schedules_parameters_length_check;

COMMENT ON COLUMN compliance.integration_configurations.last_sync_error IS 'Why the last sync failed; set exactly when it failed.';

COMMENT ON COLUMN compliance.integration_configurations.settings IS 'Non-secret options (a jsonb object): regions, projects, sync scope.';

COMMENT ON COLUMN compliance.integration_configurations.credentials_encrypted IS 'Sensitive: the credentials as a JSON object, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY).';

ALTER TABLE compliance.integration_configurations
    DROP CONSTRAINT integration_configurations_last_sync_error_length_check,
    DROP CONSTRAINT integration_configurations_settings_length_check,
    DROP CONSTRAINT integration_configurations_credentials_encrypted_length_check;

COMMENT ON COLUMN compliance.implementation_plans.phases IS 'A jsonb array of {name, tasks: [{title, status}]}; task status not_started, in_progress or completed.';

ALTER TABLE compliance.implementation_plans
    DROP CONSTRAINT implementation_plans_phases_length_check;

COMMENT ON COLUMN compliance.generated_policies.content IS NULL;

ALTER TABLE compliance.generated_policies
    DROP CONSTRAINT generated_policies_content_length_check;

COMMENT ON COLUMN compliance.chat_conversations.messages IS 'The messages, oldest first: a jsonb array of {role, content, created_at}.';

ALTER TABLE compliance.chat_conversations
    DROP CONSTRAINT chat_conversations_messages_length_check;

COMMENT ON COLUMN compliance.evidence_items.ai_metadata IS 'AI analysis results (a jsonb object).';

COMMENT ON COLUMN compliance.evidence_items.description IS NULL;

ALTER TABLE compliance.evidence_items
    DROP CONSTRAINT evidence_items_ai_metadata_length_check,
    DROP CONSTRAINT evidence_items_description_length_check;

COMMENT ON COLUMN compliance.compliance_frameworks.description IS NULL;

ALTER TABLE compliance.compliance_frameworks
    DROP CONSTRAINT compliance_frameworks_description_length_check;

COMMENT ON COLUMN compliance.users.hashed_password IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password.';

ALTER TABLE compliance.users
    DROP CONSTRAINT users_hashed_password_length_check;

COMMENT ON COLUMN compliance.readiness_assessments.score_breakdown IS 'Scores by control domain (a jsonb object).';

ALTER TABLE compliance.readiness_assessments
    DROP CONSTRAINT readiness_assessments_score_breakdown_length_check,
    DROP CONSTRAINT readiness_assessments_overall_score_finite_check;

COMMENT ON COLUMN compliance.assessment_sessions.questions_answered IS 'Answers by question id (a jsonb object).';

ALTER TABLE compliance.assessment_sessions
    DROP CONSTRAINT assessment_sessions_questions_answered_length_check,
    DROP CONSTRAINT assessment_sessions_progress_percentage_finite_check;
