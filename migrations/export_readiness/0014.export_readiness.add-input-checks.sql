-- export_readiness: bad input refused by the database, not cleaned up silently.
--
-- Money (INR amounts: reports.estimated_cost, certification_progress.estimated_cost,
-- finance_analysis.total_working_capital, user_metrics.cost_savings): numeric(19,4) rounded extra
-- decimals on input, before any CHECK could see them. The columns become plain numeric (no
-- rewrite: only the type modifier goes; PostgreSQL re-checks the existing CHECK of each column, one
-- scan under the lock) and <table>_<column>_scale_check refuses more than 4 decimal places and
-- more than 15 digits before the point, so the values stay what numeric(19,4) held.
--
-- NaN and Infinity: 'NaN'::numeric >= 0 is true (NaN sorts above every number), so the
-- "cannot be negative" checks let it in; <table>_<column>_finite_check refuses NaN, Infinity and
-- -Infinity in those columns and in user_metrics.time_saved_hours. reports.hs_code_confidence and
-- logistics_analysis.rms_probability need none: their BETWEEN checks already refuse all three.
--
-- Length: every free-text column gets <table>_<column>_length_check, with the limit in the
-- column's COMMENT (names and codes short, descriptions and notes a few thousand characters). The
-- encrypted columns hold text the database cannot read, so their limit is on the ciphertext
-- (pgp_sym_encrypt adds about 70 bytes to the UTF-8 text): a phone number 512 bytes, a chat
-- message 64 KiB, a generated document 1 MiB. Columns whose existing checks already bound them
-- (email 254, company, product and certification names 200, task titles 300, slugs 64, codes)
-- get the limit stated in their COMMENT; enumerated columns are bounded by their value lists.
--
-- The new checks are added NOT VALID (enforced from now on for every write, without scanning the
-- existing rows under this lock); the next migration validates them.
-- depends: 0013.export_readiness.create-sign-in-functions 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- money: refuse extra decimals instead of rounding them

-- squawk-ignore changing-column-type
ALTER TABLE export_readiness.reports ALTER COLUMN estimated_cost TYPE numeric;

-- squawk-ignore changing-column-type
ALTER TABLE export_readiness.certification_progress ALTER COLUMN estimated_cost TYPE numeric;

-- squawk-ignore changing-column-type
ALTER TABLE export_readiness.finance_analysis ALTER COLUMN total_working_capital TYPE numeric;

-- squawk-ignore changing-column-type
ALTER TABLE export_readiness.user_metrics ALTER COLUMN cost_savings TYPE numeric;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_estimated_cost_scale_check CHECK (estimated_cost = round(estimated_cost, 4) AND abs(estimated_cost) < 1e15) NOT VALID;

ALTER TABLE export_readiness.certification_progress
    ADD CONSTRAINT certification_progress_estimated_cost_scale_check CHECK (estimated_cost = round(estimated_cost, 4) AND abs(estimated_cost) < 1e15) NOT VALID;

ALTER TABLE export_readiness.finance_analysis
    ADD CONSTRAINT finance_analysis_total_working_capital_scale_check CHECK (total_working_capital = round(total_working_capital, 4) AND abs(total_working_capital) < 1e15) NOT VALID;

ALTER TABLE export_readiness.user_metrics
    ADD CONSTRAINT user_metrics_cost_savings_scale_check CHECK (cost_savings = round(cost_savings, 4) AND abs(cost_savings) < 1e15) NOT VALID;

-- NaN and Infinity

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_estimated_cost_finite_check CHECK (estimated_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

ALTER TABLE export_readiness.certification_progress
    ADD CONSTRAINT certification_progress_estimated_cost_finite_check CHECK (estimated_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

ALTER TABLE export_readiness.finance_analysis
    ADD CONSTRAINT finance_analysis_total_working_capital_finite_check CHECK (total_working_capital NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

ALTER TABLE export_readiness.user_metrics
    ADD CONSTRAINT user_metrics_cost_savings_finite_check CHECK (cost_savings NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

ALTER TABLE export_readiness.user_metrics
    ADD CONSTRAINT user_metrics_time_saved_hours_finite_check CHECK (time_saved_hours NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

-- length

ALTER TABLE export_readiness.users
    ADD CONSTRAINT users_password_hash_length_check CHECK (length(password_hash) <= 255) NOT VALID;

ALTER TABLE export_readiness.users
    ADD CONSTRAINT users_phone_encrypted_length_check CHECK (octet_length(phone_encrypted) <= 512) NOT VALID;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_product_description_length_check CHECK (length(product_description) <= 4000) NOT VALID;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_ingredients_length_check CHECK (length(ingredients) <= 4000) NOT VALID;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_product_image_url_length_check CHECK (length(product_image_url) <= 2048) NOT VALID;

ALTER TABLE export_readiness.reports
    ADD CONSTRAINT reports_failure_reason_length_check CHECK (length(failure_reason) <= 2000) NOT VALID;

ALTER TABLE export_readiness.certification_progress
    ADD CONSTRAINT certification_progress_notes_length_check CHECK (length(notes) <= 4000) NOT VALID;

ALTER TABLE export_readiness.generated_documents
    ADD CONSTRAINT generated_documents_content_encrypted_length_check CHECK (octet_length(content_encrypted) <= 1048576) NOT VALID;

ALTER TABLE export_readiness.action_plan_progress
    ADD CONSTRAINT action_plan_progress_task_description_length_check CHECK (length(task_description) <= 2000) NOT VALID;

ALTER TABLE export_readiness.chat_messages
    ADD CONSTRAINT chat_messages_content_encrypted_length_check CHECK (octet_length(content_encrypted) <= 65536) NOT VALID;

-- what each refusal says

COMMENT ON CONSTRAINT reports_estimated_cost_scale_check ON export_readiness.reports IS 'estimated_cost must have at most 4 decimal places and 15 digits before the point';

COMMENT ON CONSTRAINT certification_progress_estimated_cost_scale_check ON export_readiness.certification_progress IS 'estimated_cost must have at most 4 decimal places and 15 digits before the point';

COMMENT ON CONSTRAINT finance_analysis_total_working_capital_scale_check ON export_readiness.finance_analysis IS 'total_working_capital must have at most 4 decimal places and 15 digits before the point';

COMMENT ON CONSTRAINT user_metrics_cost_savings_scale_check ON export_readiness.user_metrics IS 'cost_savings must have at most 4 decimal places and 15 digits before the point';

COMMENT ON CONSTRAINT reports_estimated_cost_finite_check ON export_readiness.reports IS 'estimated_cost must be a number (not NaN or infinite)';

COMMENT ON CONSTRAINT certification_progress_estimated_cost_finite_check ON export_readiness.certification_progress IS 'estimated_cost must be a number (not NaN or infinite)';

COMMENT ON CONSTRAINT finance_analysis_total_working_capital_finite_check ON export_readiness.finance_analysis IS 'total_working_capital must be a number (not NaN or infinite)';

COMMENT ON CONSTRAINT user_metrics_cost_savings_finite_check ON export_readiness.user_metrics IS 'cost_savings must be a number (not NaN or infinite)';

COMMENT ON CONSTRAINT user_metrics_time_saved_hours_finite_check ON export_readiness.user_metrics IS 'time_saved_hours must be a number (not NaN or infinite)';

COMMENT ON CONSTRAINT users_password_hash_length_check ON export_readiness.users IS 'password_hash must have at most 255 characters';

COMMENT ON CONSTRAINT users_phone_encrypted_length_check ON export_readiness.users IS 'phone_encrypted must have at most 512 bytes';

COMMENT ON CONSTRAINT reports_product_description_length_check ON export_readiness.reports IS 'product_description must have at most 4000 characters';

COMMENT ON CONSTRAINT reports_ingredients_length_check ON export_readiness.reports IS 'ingredients must have at most 4000 characters';

COMMENT ON CONSTRAINT reports_product_image_url_length_check ON export_readiness.reports IS 'product_image_url must have at most 2048 characters';

COMMENT ON CONSTRAINT reports_failure_reason_length_check ON export_readiness.reports IS 'failure_reason must have at most 2000 characters';

COMMENT ON CONSTRAINT certification_progress_notes_length_check ON export_readiness.certification_progress IS 'notes must have at most 4000 characters';

COMMENT ON CONSTRAINT generated_documents_content_encrypted_length_check ON export_readiness.generated_documents IS 'content_encrypted must have at most 1048576 bytes (1 MiB)';

COMMENT ON CONSTRAINT action_plan_progress_task_description_length_check ON export_readiness.action_plan_progress IS 'task_description must have at most 2000 characters';

COMMENT ON CONSTRAINT chat_messages_content_encrypted_length_check ON export_readiness.chat_messages IS 'content_encrypted must have at most 65536 bytes (64 KiB)';

-- the limit of every text column, in its COMMENT

COMMENT ON COLUMN export_readiness.users.email IS 'Login; unique regardless of case; at most 254 characters.';

COMMENT ON COLUMN export_readiness.users.password_hash IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password; at most 255 characters.';

COMMENT ON COLUMN export_readiness.users.company_name IS 'The exporter''s company name; at most 200 characters, not blank.';

COMMENT ON COLUMN export_readiness.users.iec_code IS 'Importer Exporter Code issued by DGFT (exactly 10 characters); printed on every shipping bill, so not secret.';

COMMENT ON COLUMN export_readiness.users.phone_encrypted IS 'Sensitive (Requirement 17.2, personal data): the contact phone number, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY); at most 512 bytes of ciphertext.';

COMMENT ON COLUMN export_readiness.reports.product_name IS 'The product as the user names it; at most 200 characters, not blank.';

COMMENT ON COLUMN export_readiness.reports.product_description IS 'The product as the user describes it; at most 4000 characters.';

COMMENT ON COLUMN export_readiness.reports.ingredients IS 'Ingredients or bill of materials as entered; drives certification and restricted-substance checks; at most 4000 characters.';

COMMENT ON COLUMN export_readiness.reports.product_image_url IS 'An https URL of a picture of the product; at most 2048 characters.';

COMMENT ON COLUMN export_readiness.reports.hs_code IS 'Harmonized System code, 6 to 10 digits without dots (6 = HS subheading, 8 = ITC-HS line), so at most 10 characters; set when predicted.';

COMMENT ON COLUMN export_readiness.reports.destination_country IS 'ISO 3166-1 alpha-2 code of the destination (exactly 2 characters), e.g. US, DE, AE.';

COMMENT ON COLUMN export_readiness.reports.estimated_cost IS 'Estimated cost of becoming export-ready, in INR; at most 4 decimal places (refused, not rounded).';

COMMENT ON COLUMN export_readiness.reports.failure_reason IS 'Why generation failed; set exactly when status is failed; at most 2000 characters.';

COMMENT ON COLUMN export_readiness.certification_progress.certification_id IS 'Stable slug of the certification, e.g. fda-food-facility, ce-marking, reach, bis, zed; at most 64 characters.';

COMMENT ON COLUMN export_readiness.certification_progress.certification_name IS 'The certification''s name as shown to the user; at most 200 characters, not blank.';

COMMENT ON COLUMN export_readiness.certification_progress.notes IS 'The user''s notes on the certification; at most 4000 characters.';

COMMENT ON COLUMN export_readiness.certification_progress.estimated_cost IS 'Estimated cost of the certification, in INR; at most 4 decimal places (refused, not rounded).';

COMMENT ON COLUMN export_readiness.generated_documents.content_encrypted IS 'Sensitive (Requirement 17.2: buyer and consignee details, prices, bank details): the document as JSON text, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY); at most 1048576 bytes (1 MiB) of ciphertext.';

COMMENT ON COLUMN export_readiness.action_plan_progress.task_id IS 'The task''s id within the generated plan, e.g. apply-iec or gst-lut; at most 64 characters.';

COMMENT ON COLUMN export_readiness.action_plan_progress.task_title IS 'The task''s title; at most 300 characters, not blank.';

COMMENT ON COLUMN export_readiness.action_plan_progress.task_description IS 'What the task involves; at most 2000 characters.';

COMMENT ON COLUMN export_readiness.chat_messages.content_encrypted IS 'Sensitive (Requirement 17.2: business details, buyers and prices in free text): the message text, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY); at most 65536 bytes (64 KiB) of ciphertext.';

COMMENT ON COLUMN export_readiness.finance_analysis.total_working_capital IS 'Total working capital needed, in INR (the total of working_capital_data); at most 4 decimal places (refused, not rounded).';

COMMENT ON COLUMN export_readiness.user_metrics.cost_savings IS 'Estimated consultant and rejection costs avoided, in INR; at most 4 decimal places (refused, not rounded).';
