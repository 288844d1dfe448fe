-- name: create_finance_analysis(report_id, user_id, working_capital_data, rodtep_benefit_data, gst_refund_data, cash_flow_timeline, total_working_capital)^
-- Stores a finance analysis of the user's report; returns it, or none if the user has no such report.
INSERT INTO export_readiness.finance_analysis (report_id, working_capital_data, rodtep_benefit_data, gst_refund_data, cash_flow_timeline, total_working_capital)
SELECT r.id, :working_capital_data, :rodtep_benefit_data, :gst_refund_data, :cash_flow_timeline, :total_working_capital
FROM export_readiness.reports AS r
WHERE r.id = :report_id
    AND r.user_id = :user_id
RETURNING id, report_id, working_capital_data, rodtep_benefit_data, gst_refund_data, cash_flow_timeline, total_working_capital, created_at, updated_at;

-- name: get_finance_analysis_by_report(report_id, user_id)^
-- The newest finance analysis of the user's report, or none.
SELECT f.id, f.report_id, f.working_capital_data, f.rodtep_benefit_data, f.gst_refund_data, f.cash_flow_timeline, f.total_working_capital, f.created_at, f.updated_at
FROM export_readiness.finance_analysis AS f
JOIN export_readiness.reports AS r
    ON r.id = f.report_id
WHERE f.report_id = :report_id
    AND r.user_id = :user_id
ORDER BY f.created_at DESC, f.id DESC
LIMIT 1;

-- name: create_logistics_analysis(report_id, user_id, recommended_mode, lcl_fcl_comparison, rms_probability, freight_estimate)^
-- Stores a logistics analysis of the user's report; returns it, or none if the user has no such report.
INSERT INTO export_readiness.logistics_analysis (report_id, recommended_mode, lcl_fcl_comparison, rms_probability, freight_estimate)
SELECT r.id, :recommended_mode, :lcl_fcl_comparison, :rms_probability, :freight_estimate
FROM export_readiness.reports AS r
WHERE r.id = :report_id
    AND r.user_id = :user_id
RETURNING id, report_id, recommended_mode, lcl_fcl_comparison, rms_probability, freight_estimate, created_at, updated_at;

-- name: get_logistics_analysis_by_report(report_id, user_id)^
-- The newest logistics analysis of the user's report, or none.
SELECT l.id, l.report_id, l.recommended_mode, l.lcl_fcl_comparison, l.rms_probability, l.freight_estimate, l.created_at, l.updated_at
FROM export_readiness.logistics_analysis AS l
JOIN export_readiness.reports AS r
    ON r.id = l.report_id
WHERE l.report_id = :report_id
    AND r.user_id = :user_id
ORDER BY l.created_at DESC, l.id DESC
LIMIT 1;
