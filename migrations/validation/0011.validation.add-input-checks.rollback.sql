-- Undo 0011.validation.add-input-checks (reverse order).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

COMMENT ON COLUMN validation.behavioral_test_results.scenario_name IS NULL;

COMMENT ON COLUMN validation.discrepancies.description IS NULL;

COMMENT ON COLUMN validation.discrepancies.discrepancy_type IS 'snake_case code of the kind of difference, e.g. missing_field, type_mismatch.';

COMMENT ON COLUMN validation.validation_results.summary IS NULL;

COMMENT ON COLUMN validation.session_logs.message IS NULL;

COMMENT ON COLUMN validation.session_shares.granted_by IS 'Who granted the access.';

COMMENT ON COLUMN validation.validation_sessions.target_technology IS NULL;

COMMENT ON COLUMN validation.validation_sessions.source_technology IS 'Lower-case technology name, e.g. php, python, react.';

COMMENT ON COLUMN validation.validation_sessions.request_id IS 'Chosen by the caller; unique, so a retried request finds its session.';

ALTER TABLE validation.validation_metrics DROP CONSTRAINT validation_metrics_avg_execution_time_ms_finite_check;

ALTER TABLE validation.validation_metrics DROP CONSTRAINT validation_metrics_avg_fidelity_score_finite_check;

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_confidence_finite_check;

ALTER TABLE validation.validation_results DROP CONSTRAINT validation_results_fidelity_score_finite_check;

COMMENT ON COLUMN validation.validation_metrics.target_technology IS NULL;

ALTER TABLE validation.validation_metrics DROP CONSTRAINT validation_metrics_target_technology_length_check;

COMMENT ON COLUMN validation.validation_metrics.source_technology IS NULL;

ALTER TABLE validation.validation_metrics DROP CONSTRAINT validation_metrics_source_technology_length_check;

COMMENT ON COLUMN validation.behavioral_test_results.error_message IS 'Why the scenario failed or errored; required then.';

ALTER TABLE validation.behavioral_test_results DROP CONSTRAINT behavioral_test_results_error_message_length_check;

COMMENT ON COLUMN validation.discrepancies.recommendation IS NULL;

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_recommendation_length_check;

COMMENT ON COLUMN validation.discrepancies.target_element IS 'The element of the target system compared.';

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_target_element_length_check;

COMMENT ON COLUMN validation.discrepancies.source_element IS 'The element of the source system compared.';

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_source_element_length_check;

COMMENT ON COLUMN validation.discrepancies.component IS 'The component (screen, endpoint, module) where the difference was found.';

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_component_length_check;

COMMENT ON COLUMN validation.validation_sessions.deleted_by IS 'Soft delete: who hid the session (a user id, or the cleanup job).';

ALTER TABLE validation.validation_sessions DROP CONSTRAINT validation_sessions_deleted_by_length_check;

COMMENT ON COLUMN validation.validation_sessions.error_message IS 'Why the session failed; set exactly when status is failed.';

ALTER TABLE validation.validation_sessions DROP CONSTRAINT validation_sessions_error_message_length_check;
