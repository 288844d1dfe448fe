-- Legacy logistics analyses -> export_readiness.logistics_analysis (the float probability
-- converts when exact at two decimals).
-- legacy: logistics_analysis
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.recommended_mode IS NULL OR l.recommended_mode NOT IN ('LCL', 'FCL', 'air', 'courier')
            THEN 'mode outside LCL, FCL, air, courier (logistics_analysis_recommended_mode_check)'
        WHEN NOT (l.rms_probability BETWEEN 0 AND 100) OR scale(l.rms_probability::numeric) > 2
            THEN 'RMS probability outside 0 to 100 or with more than two decimals (logistics_analysis_rms_probability_check)'
        WHEN jsonb_typeof(l.lcl_fcl_comparison) IS DISTINCT FROM 'object'
            OR jsonb_typeof(l.freight_estimate) IS DISTINCT FROM 'object'
            THEN 'comparison or freight estimate is not a JSON object (logistics_analysis_freight_estimate_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_reports AS q WHERE q.legacy_key = l.report_id::text)
            THEN 'its report is quarantined'
    END AS reason
FROM __legacy__.logistics_analysis AS l
-- name: convert
INSERT INTO export_readiness.logistics_analysis (
    id, report_id, recommended_mode, lcl_fcl_comparison, rms_probability, freight_estimate,
    created_at, updated_at
)
SELECT
    l.id,
    l.report_id,
    l.recommended_mode,
    l.lcl_fcl_comparison,
    l.rms_probability::numeric,
    l.freight_estimate,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.logistics_analysis AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_logistics_analysis AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.logistics_analysis AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.logistics_analysis AS l
WHERE EXISTS (SELECT FROM export_readiness.logistics_analysis AS n WHERE n.id = l.id);
