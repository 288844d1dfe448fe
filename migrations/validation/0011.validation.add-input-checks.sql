-- validation: bad input refused by the database. Every numeric column refuses NaN and
-- +-Infinity with an explicit CHECK (NaN sorts above every number, so a range check refuses it
-- only by accident; numeric(p,s) already refuses infinity); every text column has a length limit
-- chosen for it, stated in its COMMENT: codes and names short, prose (errors, recommendations,
-- log lines, summaries) large but bounded. Columns whose existing checks already bound their
-- length (request_id, the technologies, granted_by, message, summary, discrepancy_type,
-- description, scenario_name) get the limit in their COMMENT; enumerated columns (status, scope,
-- level, severity, permission, overall_status) are bounded by their value lists.
-- The new checks are added NOT VALID (no scan under the lock); 0012 validates them.
-- depends: 0010.validation.enable-row-security

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE validation.validation_sessions ADD CONSTRAINT validation_sessions_error_message_length_check CHECK (char_length(error_message) <= 10000) NOT VALID;

COMMENT ON CONSTRAINT validation_sessions_error_message_length_check ON validation.validation_sessions IS 'error_message can have at most 10000 characters';

COMMENT ON COLUMN validation.validation_sessions.error_message IS 'Why the session failed; set exactly when status is failed. At most 10000 characters.';

ALTER TABLE validation.validation_sessions ADD CONSTRAINT validation_sessions_deleted_by_length_check CHECK (char_length(deleted_by) <= 200) NOT VALID;

COMMENT ON CONSTRAINT validation_sessions_deleted_by_length_check ON validation.validation_sessions IS 'deleted_by can have at most 200 characters';

COMMENT ON COLUMN validation.validation_sessions.deleted_by IS 'Soft delete: who hid the session (a user id, or the cleanup job). At most 200 characters.';

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_component_length_check CHECK (char_length(component) <= 500) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_component_length_check ON validation.discrepancies IS 'component can have at most 500 characters';

COMMENT ON COLUMN validation.discrepancies.component IS 'The component (screen, endpoint, module) where the difference was found. At most 500 characters.';

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_source_element_length_check CHECK (char_length(source_element) <= 2000) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_source_element_length_check ON validation.discrepancies IS 'source_element can have at most 2000 characters';

COMMENT ON COLUMN validation.discrepancies.source_element IS 'The element of the source system compared. At most 2000 characters.';

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_target_element_length_check CHECK (char_length(target_element) <= 2000) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_target_element_length_check ON validation.discrepancies IS 'target_element can have at most 2000 characters';

COMMENT ON COLUMN validation.discrepancies.target_element IS 'The element of the target system compared. At most 2000 characters.';

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_recommendation_length_check CHECK (char_length(recommendation) <= 10000) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_recommendation_length_check ON validation.discrepancies IS 'recommendation can have at most 10000 characters';

COMMENT ON COLUMN validation.discrepancies.recommendation IS 'How to fix the difference, if the validator suggests it. At most 10000 characters.';

ALTER TABLE validation.behavioral_test_results ADD CONSTRAINT behavioral_test_results_error_message_length_check CHECK (char_length(error_message) <= 10000) NOT VALID;

COMMENT ON CONSTRAINT behavioral_test_results_error_message_length_check ON validation.behavioral_test_results IS 'error_message can have at most 10000 characters';

COMMENT ON COLUMN validation.behavioral_test_results.error_message IS 'Why the scenario failed or errored; required then. At most 10000 characters.';

ALTER TABLE validation.validation_metrics ADD CONSTRAINT validation_metrics_source_technology_length_check CHECK (char_length(source_technology) <= 50) NOT VALID;

COMMENT ON CONSTRAINT validation_metrics_source_technology_length_check ON validation.validation_metrics IS 'source_technology can have at most 50 characters';

COMMENT ON COLUMN validation.validation_metrics.source_technology IS 'The technology pair''s source, as in validation_sessions. At most 50 characters.';

ALTER TABLE validation.validation_metrics ADD CONSTRAINT validation_metrics_target_technology_length_check CHECK (char_length(target_technology) <= 50) NOT VALID;

COMMENT ON CONSTRAINT validation_metrics_target_technology_length_check ON validation.validation_metrics IS 'target_technology can have at most 50 characters';

COMMENT ON COLUMN validation.validation_metrics.target_technology IS 'The technology pair''s target, as in validation_sessions. At most 50 characters.';

ALTER TABLE validation.validation_results ADD CONSTRAINT validation_results_fidelity_score_finite_check CHECK (fidelity_score NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT validation_results_fidelity_score_finite_check ON validation.validation_results IS 'fidelity_score must be a finite number (not NaN or infinity)';

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_confidence_finite_check CHECK (confidence NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_confidence_finite_check ON validation.discrepancies IS 'confidence must be a finite number (not NaN or infinity)';

ALTER TABLE validation.validation_metrics ADD CONSTRAINT validation_metrics_avg_fidelity_score_finite_check CHECK (avg_fidelity_score NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT validation_metrics_avg_fidelity_score_finite_check ON validation.validation_metrics IS 'avg_fidelity_score must be a finite number (not NaN or infinity)';

ALTER TABLE validation.validation_metrics ADD CONSTRAINT validation_metrics_avg_execution_time_ms_finite_check CHECK (avg_execution_time_ms NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT validation_metrics_avg_execution_time_ms_finite_check ON validation.validation_metrics IS 'avg_execution_time_ms must be a finite number (not NaN or infinity)';

COMMENT ON COLUMN validation.validation_sessions.request_id IS 'Chosen by the caller; unique, so a retried request finds its session. 1 to 200 characters (validation_sessions_request_id_check).';

COMMENT ON COLUMN validation.validation_sessions.source_technology IS 'Lower-case technology name, e.g. php, python, react. At most 50 characters (validation_sessions_source_technology_check).';

COMMENT ON COLUMN validation.validation_sessions.target_technology IS 'Lower-case technology name, like source_technology. At most 50 characters (validation_sessions_target_technology_check).';

COMMENT ON COLUMN validation.session_shares.granted_by IS 'Who granted the access. 1 to 200 characters (session_shares_granted_by_check).';

COMMENT ON COLUMN validation.session_logs.message IS 'The log line. 1 to 10000 characters (session_logs_message_check).';

COMMENT ON COLUMN validation.validation_results.summary IS 'What the comparison found, in prose. 1 to 20000 characters (validation_results_summary_check).';

COMMENT ON COLUMN validation.discrepancies.discrepancy_type IS 'snake_case code of the kind of difference, e.g. missing_field, type_mismatch. At most 64 characters (discrepancies_discrepancy_type_check).';

COMMENT ON COLUMN validation.discrepancies.description IS 'What differs, in prose. 1 to 10000 characters (discrepancies_description_check).';

COMMENT ON COLUMN validation.behavioral_test_results.scenario_name IS 'The scenario run. 1 to 500 characters (behavioral_test_results_scenario_name_check).';
