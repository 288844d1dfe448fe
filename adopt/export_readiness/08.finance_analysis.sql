-- Legacy finance analyses -> export_readiness.finance_analysis (the JSON parts must have the
-- shapes the new checks name; a null cash-flow timeline becomes []).
-- legacy: finance_analysis
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN jsonb_typeof(l.working_capital_data) IS DISTINCT FROM 'object'
            OR jsonb_typeof(l.rodtep_benefit_data) IS DISTINCT FROM 'object'
            OR jsonb_typeof(l.gst_refund_data) IS DISTINCT FROM 'object'
            THEN 'working capital, RoDTEP or GST data is not a JSON object (finance_analysis_working_capital_data_check)'
        WHEN l.cash_flow_timeline IS NOT NULL AND jsonb_typeof(l.cash_flow_timeline) <> 'array'
            THEN 'cash-flow timeline is not a JSON list (finance_analysis_cash_flow_timeline_check)'
        WHEN NOT (l.total_working_capital >= 0)
            THEN 'total working capital negative or missing (finance_analysis_total_working_capital_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_reports AS q WHERE q.legacy_key = l.report_id::text)
            THEN 'its report is quarantined'
    END AS reason
FROM __legacy__.finance_analysis AS l
-- name: convert
INSERT INTO export_readiness.finance_analysis (
    id, report_id, working_capital_data, rodtep_benefit_data, gst_refund_data, cash_flow_timeline,
    total_working_capital, created_at, updated_at
)
SELECT
    l.id,
    l.report_id,
    l.working_capital_data,
    l.rodtep_benefit_data,
    l.gst_refund_data,
    coalesce(l.cash_flow_timeline, '[]'),
    l.total_working_capital,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.finance_analysis AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_finance_analysis AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.finance_analysis AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.finance_analysis AS l
WHERE EXISTS (SELECT FROM export_readiness.finance_analysis AS n WHERE n.id = l.id);
