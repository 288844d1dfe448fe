-- Undo 0012.validation.validate-input-checks: the checks become NOT VALID again, as 0011 left
-- them (dropped and added back unvalidated, with their comments; reverse order).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE validation.validation_metrics DROP CONSTRAINT validation_metrics_avg_execution_time_ms_finite_check;

ALTER TABLE validation.validation_metrics ADD CONSTRAINT validation_metrics_avg_execution_time_ms_finite_check CHECK (avg_execution_time_ms NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT validation_metrics_avg_execution_time_ms_finite_check ON validation.validation_metrics IS 'avg_execution_time_ms must be a finite number (not NaN or infinity)';

ALTER TABLE validation.validation_metrics DROP CONSTRAINT validation_metrics_avg_fidelity_score_finite_check;

ALTER TABLE validation.validation_metrics ADD CONSTRAINT validation_metrics_avg_fidelity_score_finite_check CHECK (avg_fidelity_score NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT validation_metrics_avg_fidelity_score_finite_check ON validation.validation_metrics IS 'avg_fidelity_score must be a finite number (not NaN or infinity)';

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_confidence_finite_check;

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_confidence_finite_check CHECK (confidence NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_confidence_finite_check ON validation.discrepancies IS 'confidence must be a finite number (not NaN or infinity)';

ALTER TABLE validation.validation_results DROP CONSTRAINT validation_results_fidelity_score_finite_check;

ALTER TABLE validation.validation_results ADD CONSTRAINT validation_results_fidelity_score_finite_check CHECK (fidelity_score NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT validation_results_fidelity_score_finite_check ON validation.validation_results IS 'fidelity_score must be a finite number (not NaN or infinity)';

ALTER TABLE validation.validation_metrics DROP CONSTRAINT validation_metrics_target_technology_length_check;

ALTER TABLE validation.validation_metrics ADD CONSTRAINT validation_metrics_target_technology_length_check CHECK (char_length(target_technology) <= 50) NOT VALID;

COMMENT ON CONSTRAINT validation_metrics_target_technology_length_check ON validation.validation_metrics IS 'target_technology can have at most 50 characters';

ALTER TABLE validation.validation_metrics DROP CONSTRAINT validation_metrics_source_technology_length_check;

ALTER TABLE validation.validation_metrics ADD CONSTRAINT validation_metrics_source_technology_length_check CHECK (char_length(source_technology) <= 50) NOT VALID;

COMMENT ON CONSTRAINT validation_metrics_source_technology_length_check ON validation.validation_metrics IS 'source_technology can have at most 50 characters';

ALTER TABLE validation.behavioral_test_results DROP CONSTRAINT behavioral_test_results_error_message_length_check;

ALTER TABLE validation.behavioral_test_results ADD CONSTRAINT behavioral_test_results_error_message_length_check CHECK (char_length(error_message) <= 10000) NOT VALID;

COMMENT ON CONSTRAINT behavioral_test_results_error_message_length_check ON validation.behavioral_test_results IS 'error_message can have at most 10000 characters';

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_recommendation_length_check;

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_recommendation_length_check CHECK (char_length(recommendation) <= 10000) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_recommendation_length_check ON validation.discrepancies IS 'recommendation can have at most 10000 characters';

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_target_element_length_check;

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_target_element_length_check CHECK (char_length(target_element) <= 2000) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_target_element_length_check ON validation.discrepancies IS 'target_element can have at most 2000 characters';

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_source_element_length_check;

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_source_element_length_check CHECK (char_length(source_element) <= 2000) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_source_element_length_check ON validation.discrepancies IS 'source_element can have at most 2000 characters';

ALTER TABLE validation.discrepancies DROP CONSTRAINT discrepancies_component_length_check;

ALTER TABLE validation.discrepancies ADD CONSTRAINT discrepancies_component_length_check CHECK (char_length(component) <= 500) NOT VALID;

COMMENT ON CONSTRAINT discrepancies_component_length_check ON validation.discrepancies IS 'component can have at most 500 characters';

ALTER TABLE validation.validation_sessions DROP CONSTRAINT validation_sessions_deleted_by_length_check;

ALTER TABLE validation.validation_sessions ADD CONSTRAINT validation_sessions_deleted_by_length_check CHECK (char_length(deleted_by) <= 200) NOT VALID;

COMMENT ON CONSTRAINT validation_sessions_deleted_by_length_check ON validation.validation_sessions IS 'deleted_by can have at most 200 characters';

ALTER TABLE validation.validation_sessions DROP CONSTRAINT validation_sessions_error_message_length_check;

ALTER TABLE validation.validation_sessions ADD CONSTRAINT validation_sessions_error_message_length_check CHECK (char_length(error_message) <= 10000) NOT VALID;

COMMENT ON CONSTRAINT validation_sessions_error_message_length_check ON validation.validation_sessions IS 'error_message can have at most 10000 characters';
