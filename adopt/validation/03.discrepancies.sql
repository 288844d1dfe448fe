-- Legacy discrepancies -> validation.discrepancies: the old column "type" becomes
-- discrepancy_type (lower case); the float confidence converts when exact at four decimals.
-- legacy: discrepancies
-- key: l.id
-- name: refuse
SELECT
    l.id AS legacy_key,
    CASE
        WHEN pg_temp.adopt_uuid(l.id) IS NULL
            THEN 'id is not a UUID'
        WHEN res.id IS NULL
            THEN 'orphan: its result does not exist (discrepancies_result_id_fkey)'
        WHEN lower(l.type) !~ '^[a-z][a-z0-9_]{0,63}$' OR l.type IS NULL
            THEN 'type is not a lower-case identifier (discrepancies_discrepancy_type_check)'
        WHEN l.severity IS NULL OR l.severity NOT IN ('critical', 'warning', 'info')
            THEN 'severity outside critical, warning, info (discrepancies_severity_check)'
        WHEN length(btrim(coalesce(l.description, ''))) NOT BETWEEN 1 AND 10000
            THEN 'description empty or longer than 10000 (discrepancies_description_check)'
        WHEN length(l.component) > 500 OR length(l.source_element) > 2000
            OR length(l.target_element) > 2000 OR length(l.recommendation) > 10000
            THEN 'a text longer than its column keeps (discrepancies_component_length_check)'
        WHEN NOT (l.confidence BETWEEN 0 AND 1) OR scale(l.confidence::numeric) > 4
            THEN 'confidence outside 0 to 1 or with more than four decimals (discrepancies_confidence_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_validation_results AS r WHERE r.legacy_key = l.result_id)
            THEN 'its result is quarantined'
    END AS reason
FROM __legacy__.discrepancies AS l
LEFT JOIN __legacy__.validation_results AS res ON res.id = l.result_id
-- name: convert
INSERT INTO validation.discrepancies (
    id, result_id, discrepancy_type, severity, description, component, source_element,
    target_element, recommendation, confidence, created_at, updated_at
)
SELECT
    pg_temp.adopt_uuid(l.id),
    pg_temp.adopt_uuid(l.result_id),
    lower(l.type),
    l.severity,
    l.description,
    l.component,
    l.source_element,
    l.target_element,
    l.recommendation,
    l.confidence::numeric,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.discrepancies AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_discrepancies AS r WHERE r.legacy_key = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.discrepancies AS l
WHERE EXISTS (SELECT FROM validation.discrepancies AS n WHERE n.id = pg_temp.adopt_uuid(l.id));
