-- export_readiness.finance_analysis: the finance readiness of a report: working capital needed,
-- RoDTEP benefit (Remission of Duties and Taxes on Exported Products), GST refund (under LUT or
-- IGST paid) and the cash-flow timeline. A report may be analysed again; the newest row counts.
-- The JSON columns are objects, except the timeline, an array of dated events. The figures are
-- estimates computed from the report and public rates, so they stay in clear.
-- depends: 0007.export_readiness.create-chat-messages

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE export_readiness.finance_analysis (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    report_id uuid NOT NULL,
    working_capital_data jsonb NOT NULL,
    rodtep_benefit_data jsonb NOT NULL,
    gst_refund_data jsonb NOT NULL,
    cash_flow_timeline jsonb NOT NULL DEFAULT '[]',
    total_working_capital numeric(19, 4) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT finance_analysis_pkey PRIMARY KEY (id),
    CONSTRAINT finance_analysis_report_id_fkey FOREIGN KEY (report_id) REFERENCES export_readiness.reports (id) ON DELETE CASCADE,
    CONSTRAINT finance_analysis_working_capital_data_check CHECK (jsonb_typeof(working_capital_data) = 'object'),
    CONSTRAINT finance_analysis_rodtep_benefit_data_check CHECK (jsonb_typeof(rodtep_benefit_data) = 'object'),
    CONSTRAINT finance_analysis_gst_refund_data_check CHECK (jsonb_typeof(gst_refund_data) = 'object'),
    CONSTRAINT finance_analysis_cash_flow_timeline_check CHECK (jsonb_typeof(cash_flow_timeline) = 'array'),
    CONSTRAINT finance_analysis_total_working_capital_check CHECK (total_working_capital >= 0)
);

COMMENT ON TABLE export_readiness.finance_analysis IS 'Finance analyses of a report: working capital, RoDTEP benefit, GST refund, cash-flow timeline.';

COMMENT ON COLUMN export_readiness.finance_analysis.working_capital_data IS 'JSON object: product, certification, logistics and documentation costs, buffer, total (INR).';

COMMENT ON COLUMN export_readiness.finance_analysis.rodtep_benefit_data IS 'JSON object: HS code, destination, rate (percent), estimated annual benefit (INR).';

COMMENT ON COLUMN export_readiness.finance_analysis.gst_refund_data IS 'JSON object: route (LUT or IGST paid), refund amount (INR), expected days.';

COMMENT ON COLUMN export_readiness.finance_analysis.cash_flow_timeline IS 'JSON array of dated events (date, description, amount), money out and in until payment.';

COMMENT ON COLUMN export_readiness.finance_analysis.total_working_capital IS 'Total working capital needed, in INR (the total of working_capital_data).';

COMMENT ON CONSTRAINT finance_analysis_report_id_fkey ON export_readiness.finance_analysis IS 'a finance analysis must belong to an existing report';

COMMENT ON CONSTRAINT finance_analysis_working_capital_data_check ON export_readiness.finance_analysis IS 'working_capital_data must be a JSON object';

COMMENT ON CONSTRAINT finance_analysis_rodtep_benefit_data_check ON export_readiness.finance_analysis IS 'rodtep_benefit_data must be a JSON object';

COMMENT ON CONSTRAINT finance_analysis_gst_refund_data_check ON export_readiness.finance_analysis IS 'gst_refund_data must be a JSON object';

COMMENT ON CONSTRAINT finance_analysis_cash_flow_timeline_check ON export_readiness.finance_analysis IS 'cash_flow_timeline must be a JSON array';

COMMENT ON CONSTRAINT finance_analysis_total_working_capital_check ON export_readiness.finance_analysis IS 'total_working_capital cannot be negative';

CREATE INDEX finance_analysis_report_id_created_at_idx ON export_readiness.finance_analysis (report_id, created_at DESC, id);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON export_readiness.finance_analysis
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
