-- export_readiness.reports: one export-readiness report per product and destination.
-- A report is requested (pending), processed, then completed with the predicted HS code, the risk
-- score and the full report as a JSON object, or failed; a completed report must carry all three
-- (reports_completed_check). HS codes are 6 to 10 digits (6 = the international HS subheading,
-- 8 = India's ITC-HS tariff line), destinations ISO 3166-1 alpha-2 codes. UNIQUE (id, user_id)
-- lets child tables prove with a composite foreign key that a row belongs to the report's owner.
-- report_data is searched by containment (the certifications a report requires): GIN index.
-- depends: 0001.export_readiness.create-users

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE export_readiness.reports (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    product_name text NOT NULL,
    product_description text,
    ingredients text,
    product_image_url text,
    hs_code text,
    hs_code_confidence numeric(5, 4),
    destination_country text NOT NULL,
    business_type text NOT NULL,
    company_size text NOT NULL,
    monthly_volume integer,
    risk_score integer,
    status text NOT NULL DEFAULT 'pending',
    report_data jsonb,
    estimated_cost numeric(19, 4),
    estimated_timeline_days integer,
    failure_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reports_pkey PRIMARY KEY (id),
    CONSTRAINT reports_id_user_id_key UNIQUE (id, user_id),
    CONSTRAINT reports_user_id_fkey FOREIGN KEY (user_id) REFERENCES export_readiness.users (id) ON DELETE CASCADE,
    CONSTRAINT reports_product_name_check CHECK (length(btrim(product_name)) BETWEEN 1 AND 200),
    CONSTRAINT reports_product_image_url_check CHECK (product_image_url ~ '^https://[^[:space:]]+$'),
    CONSTRAINT reports_hs_code_check CHECK (hs_code ~ '^[0-9]{6,10}$'),
    CONSTRAINT reports_hs_code_confidence_check CHECK (hs_code_confidence BETWEEN 0 AND 1),
    CONSTRAINT reports_destination_country_check CHECK (destination_country ~ '^[A-Z]{2}$'),
    CONSTRAINT reports_business_type_check CHECK (business_type IN ('Manufacturing', 'SaaS', 'Merchant')),
    CONSTRAINT reports_company_size_check CHECK (company_size IN ('Micro', 'Small', 'Medium')),
    CONSTRAINT reports_monthly_volume_check CHECK (monthly_volume >= 0),
    CONSTRAINT reports_risk_score_check CHECK (risk_score BETWEEN 0 AND 100),
    CONSTRAINT reports_status_check CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    CONSTRAINT reports_report_data_check CHECK (jsonb_typeof(report_data) = 'object'),
    CONSTRAINT reports_estimated_cost_check CHECK (estimated_cost >= 0),
    CONSTRAINT reports_estimated_timeline_days_check CHECK (estimated_timeline_days BETWEEN 0 AND 730),
    CONSTRAINT reports_completed_check CHECK (
        status <> 'completed' OR (hs_code IS NOT NULL AND risk_score IS NOT NULL AND report_data IS NOT NULL)
    ),
    CONSTRAINT reports_failure_reason_check CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
);

COMMENT ON TABLE export_readiness.reports IS 'Export-readiness reports: product, HS code, destination, risk score and the generated report.';

COMMENT ON COLUMN export_readiness.reports.ingredients IS 'Ingredients or bill of materials as entered; drives certification and restricted-substance checks.';

COMMENT ON COLUMN export_readiness.reports.hs_code IS 'Harmonized System code, 6 to 10 digits without dots (6 = HS subheading, 8 = ITC-HS line); set when predicted.';

COMMENT ON COLUMN export_readiness.reports.hs_code_confidence IS 'Confidence of the HS code prediction, 0 to 1.';

COMMENT ON COLUMN export_readiness.reports.destination_country IS 'ISO 3166-1 alpha-2 code of the destination, e.g. US, DE, AE.';

COMMENT ON COLUMN export_readiness.reports.business_type IS 'The user''s business type when the report was requested (the report is written for it).';

COMMENT ON COLUMN export_readiness.reports.company_size IS 'The user''s company size when the report was requested.';

COMMENT ON COLUMN export_readiness.reports.monthly_volume IS 'Expected monthly export volume in units.';

COMMENT ON COLUMN export_readiness.reports.risk_score IS 'Export risk, 0 (low) to 100 (high); set when completed.';

COMMENT ON COLUMN export_readiness.reports.status IS 'pending, processing, completed or failed.';

COMMENT ON COLUMN export_readiness.reports.report_data IS 'The complete report as a JSON object (certifications, restricted substances, past rejections, compliance roadmap, risks, costs, subsidies, action plan, retrieved sources).';

COMMENT ON COLUMN export_readiness.reports.estimated_cost IS 'Estimated cost of becoming export-ready, in INR.';

COMMENT ON COLUMN export_readiness.reports.estimated_timeline_days IS 'Estimated days until export-ready.';

COMMENT ON COLUMN export_readiness.reports.failure_reason IS 'Why generation failed; set exactly when status is failed.';

COMMENT ON CONSTRAINT reports_id_user_id_key ON export_readiness.reports IS 'a report id appears once (target of the owner-checking composite foreign keys)';

COMMENT ON CONSTRAINT reports_user_id_fkey ON export_readiness.reports IS 'a report must belong to an existing user';

COMMENT ON CONSTRAINT reports_product_name_check ON export_readiness.reports IS 'product_name must have 1 to 200 characters';

COMMENT ON CONSTRAINT reports_product_image_url_check ON export_readiness.reports IS 'product_image_url must be an https URL';

COMMENT ON CONSTRAINT reports_hs_code_check ON export_readiness.reports IS 'hs_code must be 6 to 10 digits';

COMMENT ON CONSTRAINT reports_hs_code_confidence_check ON export_readiness.reports IS 'hs_code_confidence must be between 0 and 1';

COMMENT ON CONSTRAINT reports_destination_country_check ON export_readiness.reports IS 'destination_country must be an ISO 3166-1 alpha-2 code (two capital letters)';

COMMENT ON CONSTRAINT reports_business_type_check ON export_readiness.reports IS 'business_type must be Manufacturing, SaaS or Merchant';

COMMENT ON CONSTRAINT reports_company_size_check ON export_readiness.reports IS 'company_size must be Micro, Small or Medium';

COMMENT ON CONSTRAINT reports_monthly_volume_check ON export_readiness.reports IS 'monthly_volume cannot be negative';

COMMENT ON CONSTRAINT reports_risk_score_check ON export_readiness.reports IS 'risk_score must be between 0 and 100';

COMMENT ON CONSTRAINT reports_status_check ON export_readiness.reports IS 'status must be pending, processing, completed or failed';

COMMENT ON CONSTRAINT reports_report_data_check ON export_readiness.reports IS 'report_data must be a JSON object';

COMMENT ON CONSTRAINT reports_estimated_cost_check ON export_readiness.reports IS 'estimated_cost cannot be negative';

COMMENT ON CONSTRAINT reports_estimated_timeline_days_check ON export_readiness.reports IS 'estimated_timeline_days must be between 0 and 730';

COMMENT ON CONSTRAINT reports_completed_check ON export_readiness.reports IS 'a completed report must have an HS code, a risk score and its report data';

COMMENT ON CONSTRAINT reports_failure_reason_check ON export_readiness.reports IS 'failure_reason must be set exactly when the report failed';

CREATE INDEX reports_user_id_created_at_idx ON export_readiness.reports (user_id, created_at DESC, id);

CREATE INDEX reports_hs_code_idx ON export_readiness.reports (hs_code text_pattern_ops) WHERE hs_code IS NOT NULL;

CREATE INDEX reports_destination_country_created_at_idx ON export_readiness.reports (destination_country, created_at DESC, id);

CREATE INDEX reports_status_idx ON export_readiness.reports (status) WHERE status IN ('pending', 'processing');

CREATE INDEX reports_report_data_idx ON export_readiness.reports USING gin (report_data jsonb_path_ops);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON export_readiness.reports
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
