-- compliance: bad input refused by the database (added NOT VALID; 0015 validates them).
--
-- The two numeric columns (assessment_sessions.progress_percentage,
-- readiness_assessments.overall_score) refuse NaN and the infinities explicitly: NaN sorts above
-- every number, so a range check alone is one reordering away from letting it in. The other
-- numeric columns are integers (no NaN there); compliance stores no money.
-- Every text, jsonb and bytea column without a bound gets one (<table>_<column>_length_check), the
-- limit stated in the column's comment: short for hashes, 2000 characters for an error message,
-- 10000 for descriptions and settings, 1000000 for documents, chat content and plans; each report
-- recipient at most 254 characters (an email address). Columns bounded already (names, emails,
-- codes, enumerations) keep their checks.
-- depends: 0013.compliance.grant-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE compliance.assessment_sessions
    ADD CONSTRAINT assessment_sessions_progress_percentage_finite_check CHECK (progress_percentage NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID,
    ADD CONSTRAINT assessment_sessions_questions_answered_length_check CHECK (octet_length(questions_answered::text) <= 1000000) NOT VALID;

COMMENT ON CONSTRAINT assessment_sessions_progress_percentage_finite_check ON compliance.assessment_sessions IS 'progress_percentage must be a finite number (not NaN or infinite)';

COMMENT ON CONSTRAINT assessment_sessions_questions_answered_length_check ON compliance.assessment_sessions IS 'questions_answered must be at most 1000000 bytes as JSON text';

COMMENT ON COLUMN compliance.assessment_sessions.questions_answered IS 'Answers by question id (a jsonb object); at most 1000000 bytes as JSON text.';

ALTER TABLE compliance.readiness_assessments
    ADD CONSTRAINT readiness_assessments_overall_score_finite_check CHECK (overall_score NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID,
    ADD CONSTRAINT readiness_assessments_score_breakdown_length_check CHECK (octet_length(score_breakdown::text) <= 100000) NOT VALID;

COMMENT ON CONSTRAINT readiness_assessments_overall_score_finite_check ON compliance.readiness_assessments IS 'overall_score must be a finite number (not NaN or infinite)';

COMMENT ON CONSTRAINT readiness_assessments_score_breakdown_length_check ON compliance.readiness_assessments IS 'score_breakdown must be at most 100000 bytes as JSON text';

COMMENT ON COLUMN compliance.readiness_assessments.score_breakdown IS 'Scores by control domain (a jsonb object); at most 100000 bytes as JSON text.';

ALTER TABLE compliance.users
    ADD CONSTRAINT users_hashed_password_length_check CHECK (length(hashed_password) <= 255) NOT VALID;

COMMENT ON CONSTRAINT users_hashed_password_length_check ON compliance.users IS 'hashed_password must have at most 255 characters';

COMMENT ON COLUMN compliance.users.hashed_password IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password. At most 255 characters.';

ALTER TABLE compliance.compliance_frameworks
    ADD CONSTRAINT compliance_frameworks_description_length_check CHECK (length(description) <= 10000) NOT VALID;

COMMENT ON CONSTRAINT compliance_frameworks_description_length_check ON compliance.compliance_frameworks IS 'description must have at most 10000 characters';

COMMENT ON COLUMN compliance.compliance_frameworks.description IS 'What the framework covers; at most 10000 characters.';

ALTER TABLE compliance.evidence_items
    ADD CONSTRAINT evidence_items_description_length_check CHECK (length(description) <= 10000) NOT VALID,
    ADD CONSTRAINT evidence_items_ai_metadata_length_check CHECK (octet_length(ai_metadata::text) <= 100000) NOT VALID;

COMMENT ON CONSTRAINT evidence_items_description_length_check ON compliance.evidence_items IS 'description must have at most 10000 characters';

COMMENT ON COLUMN compliance.evidence_items.description IS 'What the evidence shows; at most 10000 characters.';

COMMENT ON CONSTRAINT evidence_items_ai_metadata_length_check ON compliance.evidence_items IS 'ai_metadata must be at most 100000 bytes as JSON text';

COMMENT ON COLUMN compliance.evidence_items.ai_metadata IS 'AI analysis results (a jsonb object); at most 100000 bytes as JSON text.';

ALTER TABLE compliance.chat_conversations
    ADD CONSTRAINT chat_conversations_messages_length_check CHECK (octet_length(messages::text) <= 1000000) NOT VALID;

COMMENT ON CONSTRAINT chat_conversations_messages_length_check ON compliance.chat_conversations IS 'messages must be at most 1000000 bytes as JSON text';

COMMENT ON COLUMN compliance.chat_conversations.messages IS 'The messages, oldest first: a jsonb array of {role, content, created_at}; at most 1000000 bytes as JSON text.';

ALTER TABLE compliance.generated_policies
    ADD CONSTRAINT generated_policies_content_length_check CHECK (length(content) <= 1000000) NOT VALID;

COMMENT ON CONSTRAINT generated_policies_content_length_check ON compliance.generated_policies IS 'content must have at most 1000000 characters';

COMMENT ON COLUMN compliance.generated_policies.content IS 'The policy document; at most 1000000 characters.';

ALTER TABLE compliance.implementation_plans
    ADD CONSTRAINT implementation_plans_phases_length_check CHECK (octet_length(phases::text) <= 1000000) NOT VALID;

COMMENT ON CONSTRAINT implementation_plans_phases_length_check ON compliance.implementation_plans IS 'phases must be at most 1000000 bytes as JSON text';

COMMENT ON COLUMN compliance.implementation_plans.phases IS 'A jsonb array of {name, tasks: [{title, status}]}; task status not_started, in_progress or completed. At most 1000000 bytes as JSON text.';

ALTER TABLE compliance.integration_configurations
    ADD CONSTRAINT integration_configurations_credentials_encrypted_length_check CHECK (octet_length(credentials_encrypted) <= 16384) NOT VALID,
    ADD CONSTRAINT integration_configurations_settings_length_check CHECK (octet_length(settings::text) <= 10000) NOT VALID,
    ADD CONSTRAINT integration_configurations_last_sync_error_length_check CHECK (length(last_sync_error) <= 2000) NOT VALID;

COMMENT ON CONSTRAINT integration_configurations_credentials_encrypted_length_check ON compliance.integration_configurations IS 'credentials_encrypted must be at most 16384 bytes';

COMMENT ON COLUMN compliance.integration_configurations.credentials_encrypted IS 'Sensitive: the credentials as a JSON object, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY); at most 16384 bytes encrypted.';

COMMENT ON CONSTRAINT integration_configurations_settings_length_check ON compliance.integration_configurations IS 'settings must be at most 10000 bytes as JSON text';

COMMENT ON COLUMN compliance.integration_configurations.settings IS 'Non-secret options (a jsonb object): regions, projects, sync scope; at most 10000 bytes as JSON text.';

COMMENT ON CONSTRAINT integration_configurations_last_sync_error_length_check ON compliance.integration_configurations IS 'last_sync_error must have at most 2000 characters';

COMMENT ON COLUMN compliance.integration_configurations.last_sync_error IS 'Why the last sync failed; set exactly when it failed. At most 2000 characters.';

ALTER TABLE compliance.report_schedules
    ADD CONSTRAINT report_schedules_parameters_length_check CHECK (octet_length(parameters::text) <= 10000) NOT VALID,
    ADD CONSTRAINT report_schedules_recipients_length_check CHECK (NOT jsonb_path_exists(to_jsonb(recipients), '$[*] ? (@ like_regex "^.{255}" flag "s")')) NOT VALID;

COMMENT ON CONSTRAINT report_schedules_parameters_length_check ON compliance.report_schedules IS 'parameters must be at most 10000 bytes as JSON text';

COMMENT ON COLUMN compliance.report_schedules.parameters IS 'Report options (a jsonb object), e.g. the frameworks to cover; at most 10000 bytes as JSON text.';

COMMENT ON CONSTRAINT report_schedules_recipients_length_check ON compliance.report_schedules IS 'each recipient must have at most 254 characters';

COMMENT ON COLUMN compliance.report_schedules.recipients IS 'Email addresses the report is sent to (1 to 50), each at most 254 characters.';
