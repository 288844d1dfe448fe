-- export_readiness.logistics_analysis: the logistics readiness of a report: LCL versus FCL
-- comparison, the probability that customs' Risk Management System (RMS) sends the shipment to
-- physical inspection, and the freight estimate. A report may be analysed again; the newest row
-- counts.
-- depends: 0008.export_readiness.create-finance-analysis

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE export_readiness.logistics_analysis (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    report_id uuid NOT NULL,
    recommended_mode text NOT NULL,
    lcl_fcl_comparison jsonb NOT NULL,
    rms_probability numeric(5, 2) NOT NULL,
    freight_estimate jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT logistics_analysis_pkey PRIMARY KEY (id),
    CONSTRAINT logistics_analysis_report_id_fkey FOREIGN KEY (report_id) REFERENCES export_readiness.reports (id) ON DELETE CASCADE,
    CONSTRAINT logistics_analysis_recommended_mode_check CHECK (recommended_mode IN ('LCL', 'FCL', 'air', 'courier')),
    CONSTRAINT logistics_analysis_lcl_fcl_comparison_check CHECK (jsonb_typeof(lcl_fcl_comparison) = 'object'),
    CONSTRAINT logistics_analysis_rms_probability_check CHECK (rms_probability BETWEEN 0 AND 100),
    CONSTRAINT logistics_analysis_freight_estimate_check CHECK (jsonb_typeof(freight_estimate) = 'object')
);

COMMENT ON TABLE export_readiness.logistics_analysis IS 'Logistics analyses of a report: LCL/FCL comparison, RMS inspection probability, freight estimate.';

COMMENT ON COLUMN export_readiness.logistics_analysis.recommended_mode IS 'LCL (less than container load), FCL (full container load), air or courier.';

COMMENT ON COLUMN export_readiness.logistics_analysis.lcl_fcl_comparison IS 'JSON object: cost, transit days and risk of LCL and of FCL for the volume, and the reasoning.';

COMMENT ON COLUMN export_readiness.logistics_analysis.rms_probability IS 'Probability (percent, 0 to 100) that customs RMS flags the shipment for physical inspection.';

COMMENT ON COLUMN export_readiness.logistics_analysis.freight_estimate IS 'JSON object: sea and air freight estimates (INR), route, transit days.';

COMMENT ON CONSTRAINT logistics_analysis_report_id_fkey ON export_readiness.logistics_analysis IS 'a logistics analysis must belong to an existing report';

COMMENT ON CONSTRAINT logistics_analysis_recommended_mode_check ON export_readiness.logistics_analysis IS 'recommended_mode must be LCL, FCL, air or courier';

COMMENT ON CONSTRAINT logistics_analysis_lcl_fcl_comparison_check ON export_readiness.logistics_analysis IS 'lcl_fcl_comparison must be a JSON object';

COMMENT ON CONSTRAINT logistics_analysis_rms_probability_check ON export_readiness.logistics_analysis IS 'rms_probability must be between 0 and 100';

COMMENT ON CONSTRAINT logistics_analysis_freight_estimate_check ON export_readiness.logistics_analysis IS 'freight_estimate must be a JSON object';

CREATE INDEX logistics_analysis_report_id_created_at_idx ON export_readiness.logistics_analysis (report_id, created_at DESC, id);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON export_readiness.logistics_analysis
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
