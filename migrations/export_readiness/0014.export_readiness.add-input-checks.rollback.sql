-- Undo 0014.export_readiness.add-input-checks: the column comments as they were, the checks
-- dropped, and the money columns numeric(19,4) again (statements in reverse order).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

COMMENT ON COLUMN export_readiness.user_metrics.cost_savings IS 'Estimated consultant and rejection costs avoided, in INR.';

COMMENT ON COLUMN export_readiness.finance_analysis.total_working_capital IS 'Total working capital needed, in INR (the total of working_capital_data).';

COMMENT ON COLUMN export_readiness.chat_messages.content_encrypted IS 'Sensitive (Requirement 17.2: business details, buyers and prices in free text): the message text, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY).';

COMMENT ON COLUMN export_readiness.action_plan_progress.task_description IS NULL;

COMMENT ON COLUMN export_readiness.action_plan_progress.task_title IS NULL;

COMMENT ON COLUMN export_readiness.action_plan_progress.task_id IS 'The task''s id within the generated plan, e.g. apply-iec or gst-lut.';

COMMENT ON COLUMN export_readiness.generated_documents.content_encrypted IS 'Sensitive (Requirement 17.2: buyer and consignee details, prices, bank details): the document as JSON text, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY).';

COMMENT ON COLUMN export_readiness.certification_progress.estimated_cost IS 'Estimated cost of the certification, in INR.';

COMMENT ON COLUMN export_readiness.certification_progress.notes IS NULL;

COMMENT ON COLUMN export_readiness.certification_progress.certification_name IS NULL;

COMMENT ON COLUMN export_readiness.certification_progress.certification_id IS 'Stable slug of the certification, e.g. fda-food-facility, ce-marking, reach, bis, zed.';

COMMENT ON COLUMN export_readiness.reports.failure_reason IS 'Why generation failed; set exactly when status is failed.';

COMMENT ON COLUMN export_readiness.reports.estimated_cost IS 'Estimated cost of becoming export-ready, in INR.';

COMMENT ON COLUMN export_readiness.reports.destination_country IS 'ISO 3166-1 alpha-2 code of the destination, e.g. US, DE, AE.';

COMMENT ON COLUMN export_readiness.reports.hs_code IS 'Harmonized System code, 6 to 10 digits without dots (6 = HS subheading, 8 = ITC-HS line); set when predicted.';

COMMENT ON COLUMN export_readiness.reports.product_image_url IS NULL;

COMMENT ON COLUMN export_readiness.reports.ingredients IS 'Ingredients or bill of materials as entered; drives certification and restricted-substance checks.';

COMMENT ON COLUMN export_readiness.reports.product_description IS NULL;

COMMENT ON COLUMN export_readiness.reports.product_name IS NULL;

COMMENT ON COLUMN export_readiness.users.phone_encrypted IS 'Sensitive (Requirement 17.2, personal data): the contact phone number, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY).';

COMMENT ON COLUMN export_readiness.users.iec_code IS 'Importer Exporter Code issued by DGFT (10 characters); printed on every shipping bill, so not secret.';

COMMENT ON COLUMN export_readiness.users.company_name IS NULL;

COMMENT ON COLUMN export_readiness.users.password_hash IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password.';

COMMENT ON COLUMN export_readiness.users.email IS 'Login; unique regardless of case.';

ALTER TABLE export_readiness.chat_messages DROP CONSTRAINT chat_messages_content_encrypted_length_check;

ALTER TABLE export_readiness.action_plan_progress DROP CONSTRAINT action_plan_progress_task_description_length_check;

ALTER TABLE export_readiness.generated_documents DROP CONSTRAINT generated_documents_content_encrypted_length_check;

ALTER TABLE export_readiness.certification_progress DROP CONSTRAINT certification_progress_notes_length_check;

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_failure_reason_length_check;

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_product_image_url_length_check;

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_ingredients_length_check;

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_product_description_length_check;

ALTER TABLE export_readiness.users DROP CONSTRAINT users_phone_encrypted_length_check;

ALTER TABLE export_readiness.users DROP CONSTRAINT users_password_hash_length_check;

ALTER TABLE export_readiness.user_metrics DROP CONSTRAINT user_metrics_time_saved_hours_finite_check;

ALTER TABLE export_readiness.user_metrics DROP CONSTRAINT user_metrics_cost_savings_finite_check;

ALTER TABLE export_readiness.finance_analysis DROP CONSTRAINT finance_analysis_total_working_capital_finite_check;

ALTER TABLE export_readiness.certification_progress DROP CONSTRAINT certification_progress_estimated_cost_finite_check;

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_estimated_cost_finite_check;

ALTER TABLE export_readiness.user_metrics DROP CONSTRAINT user_metrics_cost_savings_scale_check;

ALTER TABLE export_readiness.finance_analysis DROP CONSTRAINT finance_analysis_total_working_capital_scale_check;

ALTER TABLE export_readiness.certification_progress DROP CONSTRAINT certification_progress_estimated_cost_scale_check;

ALTER TABLE export_readiness.reports DROP CONSTRAINT reports_estimated_cost_scale_check;

ALTER TABLE export_readiness.user_metrics ALTER COLUMN cost_savings TYPE numeric(19, 4);

ALTER TABLE export_readiness.finance_analysis ALTER COLUMN total_working_capital TYPE numeric(19, 4);

ALTER TABLE export_readiness.certification_progress ALTER COLUMN estimated_cost TYPE numeric(19, 4);

ALTER TABLE export_readiness.reports ALTER COLUMN estimated_cost TYPE numeric(19, 4);
