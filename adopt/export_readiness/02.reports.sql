-- Legacy reports -> export_readiness.reports. A failed report gets the reason the new schema
-- requires ('failed (no reason recorded by the old application)'); the destination must be an
-- ISO country code; a completed report needs its HS code, risk score and data.
-- legacy: reports
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN length(btrim(coalesce(l.product_name, ''))) NOT BETWEEN 1 AND 200
            THEN 'product name empty or longer than 200 (reports_product_name_check)'
        WHEN l.destination_country IS NULL OR l.destination_country !~ '^[A-Z]{2}$'
            THEN 'destination is not a two-letter ISO country code (reports_destination_country_check)'
        WHEN l.hs_code !~ '^[0-9]{6,10}$'
            THEN 'HS code is not 6 to 10 digits (reports_hs_code_check)'
        WHEN NOT (l.hs_code_confidence BETWEEN 0 AND 1) OR scale(l.hs_code_confidence::numeric) > 4
            THEN 'HS code confidence outside 0 to 1 or with more than four decimals (reports_hs_code_confidence_check)'
        WHEN l.business_type NOT IN ('Manufacturing', 'SaaS', 'Merchant')
            OR l.company_size NOT IN ('Micro', 'Small', 'Medium')
            THEN 'business type or company size outside the known values (reports_company_size_check)'
        WHEN l.status = 'completed' AND (l.hs_code IS NULL OR l.risk_score IS NULL OR l.report_data IS NULL)
            THEN 'completed without its HS code, risk score or data (reports_completed_check)'
        WHEN l.report_data IS NOT NULL AND jsonb_typeof(l.report_data) <> 'object'
            THEN 'report data is not a JSON object (reports_report_data_check)'
        WHEN l.monthly_volume < 0 OR l.estimated_cost < 0 OR l.estimated_timeline_days NOT BETWEEN 0 AND 730
            THEN 'volume, cost or timeline out of range (reports_estimated_timeline_days_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_users AS r WHERE r.legacy_key = l.user_id::text)
            THEN 'its user is quarantined'
    END AS reason
FROM __legacy__.reports AS l
-- name: convert
INSERT INTO export_readiness.reports (
    id, user_id, product_name, product_description, hs_code, hs_code_confidence,
    destination_country, business_type, company_size, monthly_volume, risk_score, status,
    report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at
)
SELECT
    l.id,
    l.user_id,
    btrim(l.product_name),
    l.product_description,
    l.hs_code,
    l.hs_code_confidence::numeric,
    l.destination_country,
    l.business_type,
    l.company_size,
    l.monthly_volume,
    l.risk_score,
    l.status,
    l.report_data,
    l.estimated_cost,
    l.estimated_timeline_days,
    CASE WHEN l.status = 'failed' THEN 'failed (no reason recorded by the old application)' END,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.reports AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_reports AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.reports AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.reports AS l
WHERE EXISTS (SELECT FROM export_readiness.reports AS n WHERE n.id = l.id);
