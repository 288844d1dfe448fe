-- validation: validate the checks 0011 added NOT VALID (a scan that does not block writes).
-- depends: 0011.validation.add-input-checks

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '15min';

ALTER TABLE validation.validation_sessions VALIDATE CONSTRAINT validation_sessions_error_message_length_check;

ALTER TABLE validation.validation_sessions VALIDATE CONSTRAINT validation_sessions_deleted_by_length_check;

ALTER TABLE validation.discrepancies VALIDATE CONSTRAINT discrepancies_component_length_check;

ALTER TABLE validation.discrepancies VALIDATE CONSTRAINT discrepancies_source_element_length_check;

ALTER TABLE validation.discrepancies VALIDATE CONSTRAINT discrepancies_target_element_length_check;

ALTER TABLE validation.discrepancies VALIDATE CONSTRAINT discrepancies_recommendation_length_check;

ALTER TABLE validation.behavioral_test_results VALIDATE CONSTRAINT behavioral_test_results_error_message_length_check;

ALTER TABLE validation.validation_metrics VALIDATE CONSTRAINT validation_metrics_source_technology_length_check;

ALTER TABLE validation.validation_metrics VALIDATE CONSTRAINT validation_metrics_target_technology_length_check;

ALTER TABLE validation.validation_results VALIDATE CONSTRAINT validation_results_fidelity_score_finite_check;

ALTER TABLE validation.discrepancies VALIDATE CONSTRAINT discrepancies_confidence_finite_check;

ALTER TABLE validation.validation_metrics VALIDATE CONSTRAINT validation_metrics_avg_fidelity_score_finite_check;

ALTER TABLE validation.validation_metrics VALIDATE CONSTRAINT validation_metrics_avg_execution_time_ms_finite_check;
