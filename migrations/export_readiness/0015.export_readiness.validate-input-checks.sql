-- export_readiness: validate the checks the previous migration added NOT VALID (money scale, NaN
-- and Infinity, text and ciphertext lengths). VALIDATE CONSTRAINT scans each table under a SHARE
-- UPDATE EXCLUSIVE lock, so reads and writes go on meanwhile. A row written before those checks
-- existed that breaks one stops this migration, naming the constraint: fix the row, then migrate
-- again.
-- depends: 0014.export_readiness.add-input-checks 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '15min';

ALTER TABLE export_readiness.reports VALIDATE CONSTRAINT reports_estimated_cost_scale_check;

ALTER TABLE export_readiness.certification_progress VALIDATE CONSTRAINT certification_progress_estimated_cost_scale_check;

ALTER TABLE export_readiness.finance_analysis VALIDATE CONSTRAINT finance_analysis_total_working_capital_scale_check;

ALTER TABLE export_readiness.user_metrics VALIDATE CONSTRAINT user_metrics_cost_savings_scale_check;

ALTER TABLE export_readiness.reports VALIDATE CONSTRAINT reports_estimated_cost_finite_check;

ALTER TABLE export_readiness.certification_progress VALIDATE CONSTRAINT certification_progress_estimated_cost_finite_check;

ALTER TABLE export_readiness.finance_analysis VALIDATE CONSTRAINT finance_analysis_total_working_capital_finite_check;

ALTER TABLE export_readiness.user_metrics VALIDATE CONSTRAINT user_metrics_cost_savings_finite_check;

ALTER TABLE export_readiness.user_metrics VALIDATE CONSTRAINT user_metrics_time_saved_hours_finite_check;

ALTER TABLE export_readiness.users VALIDATE CONSTRAINT users_password_hash_length_check;

ALTER TABLE export_readiness.users VALIDATE CONSTRAINT users_phone_encrypted_length_check;

ALTER TABLE export_readiness.reports VALIDATE CONSTRAINT reports_product_description_length_check;

ALTER TABLE export_readiness.reports VALIDATE CONSTRAINT reports_ingredients_length_check;

ALTER TABLE export_readiness.reports VALIDATE CONSTRAINT reports_product_image_url_length_check;

ALTER TABLE export_readiness.reports VALIDATE CONSTRAINT reports_failure_reason_length_check;

ALTER TABLE export_readiness.certification_progress VALIDATE CONSTRAINT certification_progress_notes_length_check;

ALTER TABLE export_readiness.generated_documents VALIDATE CONSTRAINT generated_documents_content_encrypted_length_check;

ALTER TABLE export_readiness.action_plan_progress VALIDATE CONSTRAINT action_plan_progress_task_description_length_check;

ALTER TABLE export_readiness.chat_messages VALIDATE CONSTRAINT chat_messages_content_encrypted_length_check;
