-- Undo 0015.export_readiness.validate-input-checks. A validated constraint cannot be marked
-- NOT VALID again; dropping and re-adding each NOT VALID restores the catalog as the previous
-- migration left it (same names, definitions and comments).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE export_readiness.chat_messages DROP CONSTRAINT chat_messages_content_encrypted_length_check;

ALTER TABLE export_readiness.chat_messages
    ADD CONSTRAINT chat_messages_content_encrypted_length_check CHECK (octet_length(content_encrypted) <= 65536) NOT VALID;

COMMENT ON CONSTRAINT chat_messages_content_encrypted_length_check ON export_readiness.chat_messages IS 'content_encrypted must have at most 65536 bytes (64 KiB)';

ALTER TABLE export_readiness.action_plan_progress DROP CONSTRAINT action_plan_progress_task_description_length_check;

ALTER TABLE export_readiness.action_plan_progress
    ADD CONSTRAINT action_plan_progress_task_description_length_check CHECK (length(task_description) <= 2000) NOT VALID;

COMMENT ON CONSTRAINT action_plan_progress_task_description_length_check ON export_readiness.action_plan_progress IS 'task_description must have at most 2000 characters';

ALTER TABLE export_readiness.generated_documents DROP CONSTRAINT generated_documents_content_encrypted_length_check;

ALTER TABLE export_readiness.generated_documents
    ADD CONSTRAINT generated_documents_content_encrypted_length_check CHECK (octet_length(content_encrypted) <= 1048576) NOT VALID;

COMMENT ON CONSTRAINT generated_documents_content_encrypted_length_check ON export_readiness.generated_documents IS 'content_encrypted must have at most 1048576 bytes (1 MiB)';

ALTER TABLE export_readiness.certification_progress DROP CONSTRAINT certification_progress_notes_length_check;

ALTER TABLE export_readiness.certification_progress
    ADD CONSTRAINT certification_progress_notes_length_check CHECK (length(notes) <= 4000) NOT VALID;

COMMENT ON CONSTRAINT certification_progress_notes_length_check ON export_readiness.certification_progress IS 'notes must have at most 4000 characters';

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_failure_reason_length_check;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_failure_reason_length_check CHECK (length(failure_reason) <= 2000) NOT VALID;

COMMENT ON CONSTRAINT reports_failure_reason_length_check ON export_readiness.reports IS 'failure_reason must have at most 2000 characters';

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_product_image_url_length_check;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_product_image_url_length_check CHECK (length(product_image_url) <= 2048) NOT VALID;

COMMENT ON CONSTRAINT reports_product_image_url_length_check ON export_readiness.reports IS 'product_image_url must have at most 2048 characters';

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_ingredients_length_check;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_ingredients_length_check CHECK (length(ingredients) <= 4000) NOT VALID;

COMMENT ON CONSTRAINT reports_ingredients_length_check ON export_readiness.reports IS 'ingredients must have at most 4000 characters';

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_product_description_length_check;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_product_description_length_check CHECK (length(product_description) <= 4000) NOT VALID;

COMMENT ON CONSTRAINT reports_product_description_length_check ON export_readiness.reports IS 'product_description must have at most 4000 characters';

ALTER TABLE export_readiness.users DROP CONSTRAINT users_phone_encrypted_length_check;

ALTER TABLE export_readiness.users
    ADD CONSTRAINT users_phone_encrypted_length_check CHECK (octet_length(phone_encrypted) <= 512) NOT VALID;

COMMENT ON CONSTRAINT users_phone_encrypted_length_check ON export_readiness.users IS 'phone_encrypted must have at most 512 bytes';

ALTER TABLE export_readiness.users DROP CONSTRAINT users_password_hash_length_check;

ALTER TABLE export_readiness.users
    ADD CONSTRAINT users_password_hash_length_check CHECK (length(password_hash) <= 255) NOT VALID;

COMMENT ON CONSTRAINT users_password_hash_length_check ON export_readiness.users IS 'password_hash must have at most 255 characters';

ALTER TABLE export_readiness.user_metrics DROP CONSTRAINT user_metrics_time_saved_hours_finite_check;

ALTER TABLE export_readiness.user_metrics
    ADD CONSTRAINT user_metrics_time_saved_hours_finite_check CHECK (time_saved_hours NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT user_metrics_time_saved_hours_finite_check ON export_readiness.user_metrics IS 'time_saved_hours must be a number (not NaN or infinite)';

ALTER TABLE export_readiness.user_metrics DROP CONSTRAINT user_metrics_cost_savings_finite_check;

ALTER TABLE export_readiness.user_metrics
    ADD CONSTRAINT user_metrics_cost_savings_finite_check CHECK (cost_savings NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT user_metrics_cost_savings_finite_check ON export_readiness.user_metrics IS 'cost_savings must be a number (not NaN or infinite)';

ALTER TABLE export_readiness.finance_analysis DROP CONSTRAINT finance_analysis_total_working_capital_finite_check;

ALTER TABLE export_readiness.finance_analysis
    ADD CONSTRAINT finance_analysis_total_working_capital_finite_check CHECK (total_working_capital NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT finance_analysis_total_working_capital_finite_check ON export_readiness.finance_analysis IS 'total_working_capital must be a number (not NaN or infinite)';

ALTER TABLE export_readiness.certification_progress DROP CONSTRAINT certification_progress_estimated_cost_finite_check;

ALTER TABLE export_readiness.certification_progress
    ADD CONSTRAINT certification_progress_estimated_cost_finite_check CHECK (estimated_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT certification_progress_estimated_cost_finite_check ON export_readiness.certification_progress IS 'estimated_cost must be a number (not NaN or infinite)';

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_estimated_cost_finite_check;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_estimated_cost_finite_check CHECK (estimated_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT reports_estimated_cost_finite_check ON export_readiness.reports IS 'estimated_cost must be a number (not NaN or infinite)';

ALTER TABLE export_readiness.user_metrics DROP CONSTRAINT user_metrics_cost_savings_scale_check;

ALTER TABLE export_readiness.user_metrics
    ADD CONSTRAINT user_metrics_cost_savings_scale_check CHECK (cost_savings = round(cost_savings, 4) AND abs(cost_savings) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT user_metrics_cost_savings_scale_check ON export_readiness.user_metrics IS 'cost_savings must have at most 4 decimal places and 15 digits before the point';

ALTER TABLE export_readiness.finance_analysis DROP CONSTRAINT finance_analysis_total_working_capital_scale_check;

ALTER TABLE export_readiness.finance_analysis
    ADD CONSTRAINT finance_analysis_total_working_capital_scale_check CHECK (total_working_capital = round(total_working_capital, 4) AND abs(total_working_capital) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT finance_analysis_total_working_capital_scale_check ON export_readiness.finance_analysis IS 'total_working_capital must have at most 4 decimal places and 15 digits before the point';

ALTER TABLE export_readiness.certification_progress DROP CONSTRAINT certification_progress_estimated_cost_scale_check;

ALTER TABLE export_readiness.certification_progress
    ADD CONSTRAINT certification_progress_estimated_cost_scale_check CHECK (estimated_cost = round(estimated_cost, 4) AND abs(estimated_cost) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT certification_progress_estimated_cost_scale_check ON export_readiness.certification_progress IS 'estimated_cost must have at most 4 decimal places and 15 digits before the point';

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_estimated_cost_scale_check;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_estimated_cost_scale_check CHECK (estimated_cost = round(estimated_cost, 4) AND abs(estimated_cost) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT reports_estimated_cost_scale_check ON export_readiness.reports IS 'estimated_cost must have at most 4 decimal places and 15 digits before the point';
