-- Legacy evidence -> compliance.evidence_items: the framework named by text becomes its id; an
-- approval needs both approved_at and approved_by (a converted user), and a row that is not
-- approved may carry neither (evidence_items_approval_check, the seed's chk_approval_workflow).
-- ai_metadata null becomes {}.
-- legacy: evidence_items
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN p.id IS NULL
            THEN 'no business profile (evidence_items_business_profile_id_fkey)'
        WHEN p.user_id IS DISTINCT FROM l.user_id
            THEN 'its business profile belongs to another user (evidence_items_business_profile_id_fkey)'
        WHEN fw.id IS NULL
            THEN 'framework names no known framework (evidence_items_framework_id_fkey)'
        WHEN length(btrim(coalesce(l.evidence_name, ''))) NOT BETWEEN 1 AND 255
            THEN 'evidence name empty or longer than 255 (evidence_items_evidence_name_check)'
        WHEN coalesce(l.status, 'not_started') NOT IN ('not_started', 'in_progress', 'collected', 'approved', 'rejected')
            THEN 'status outside not_started, in_progress, collected, approved, rejected (evidence_items_status_check)'
        WHEN coalesce(l.priority, 'medium') NOT IN ('low', 'medium', 'high', 'critical')
            THEN 'priority outside low, medium, high, critical (evidence_items_priority_check)'
        WHEN (l.status = 'approved') <> (l.approved_at IS NOT NULL AND l.approved_by IS NOT NULL)
            OR (l.status IS DISTINCT FROM 'approved' AND (l.approved_at IS NOT NULL OR l.approved_by IS NOT NULL))
            THEN 'approval without its time and approver, or the reverse (evidence_items_approval_check)'
        WHEN l.approved_by IS NOT NULL AND NOT EXISTS (
            SELECT FROM __legacy__.users AS u WHERE u.id = l.approved_by
        )
            THEN 'orphan: its approver does not exist (evidence_items_approved_by_fkey)'
        WHEN length(btrim(l.control_reference)) NOT BETWEEN 1 AND 100
            THEN 'control reference empty or longer than 100 (evidence_items_control_reference_check)'
        WHEN length(l.file_path) NOT BETWEEN 1 AND 500 OR length(l.file_type) NOT BETWEEN 1 AND 50
            OR l.file_size < 0
            THEN 'file path, type or size out of range (evidence_items_file_path_check)'
        WHEN l.ai_metadata IS NOT NULL AND jsonb_typeof(l.ai_metadata) <> 'object'
            THEN 'AI metadata is not a JSON object (evidence_items_ai_metadata_check)'
        WHEN octet_length(l.ai_metadata::text) > 100000
            THEN 'AI metadata larger than 100 kB (evidence_items_ai_metadata_length_check)'
        WHEN rp.legacy_key IS NOT NULL
            THEN 'its business profile is quarantined'
        WHEN rf.legacy_key IS NOT NULL
            THEN 'its framework is quarantined'
        WHEN ra.legacy_key IS NOT NULL
            THEN 'its approver is quarantined'
    END AS reason
FROM __legacy__.evidence_items AS l
LEFT JOIN __legacy__.business_profiles AS p ON p.id = l.business_profile_id
LEFT JOIN LATERAL (
    SELECT f.id
    FROM __legacy__.compliance_frameworks AS f
    WHERE lower(f.name) = lower(btrim(l.framework_id)) OR f.id::text = btrim(l.framework_id)
    ORDER BY f.id
    LIMIT 1
) AS fw ON true
LEFT JOIN pg_temp.adopt_refused_business_profiles AS rp ON rp.legacy_key = l.business_profile_id::text
LEFT JOIN pg_temp.adopt_refused_compliance_frameworks AS rf ON rf.legacy_key = fw.id::text
LEFT JOIN pg_temp.adopt_refused_users AS ra ON ra.legacy_key = l.approved_by::text
-- name: convert
INSERT INTO compliance.evidence_items (
    id, user_id, business_profile_id, framework_id, evidence_name, description,
    control_reference, file_path, file_type, file_size, status, priority, approved_at,
    approved_by, ai_metadata, created_at, updated_at
)
WITH framework_map AS MATERIALIZED (
    -- each legacy framework's row in the new schema: its own id, or the framework already there
    -- whose code is its name ignoring case and punctuation
    SELECT
        f.id AS legacy_id,
        lower(f.name) AS legacy_name,
        (
            SELECT n.id
            FROM compliance.compliance_frameworks AS n
            WHERE n.id = f.id
                OR regexp_replace(n.code, '[^a-z0-9]', '', 'g') = regexp_replace(lower(f.name), '[^a-z0-9]', '', 'g')
            ORDER BY n.id = f.id DESC
            LIMIT 1
        ) AS new_id
    FROM __legacy__.compliance_frameworks AS f
)
SELECT
    l.id,
    l.user_id,
    l.business_profile_id,
    fw.id,
    btrim(l.evidence_name),
    l.description,
    btrim(l.control_reference),
    l.file_path,
    l.file_type,
    l.file_size,
    coalesce(l.status, 'not_started'),
    coalesce(l.priority, 'medium'),
    l.approved_at AT TIME ZONE 'UTC',
    l.approved_by,
    coalesce(l.ai_metadata, '{}'::jsonb),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.evidence_items AS l
CROSS JOIN LATERAL (
    SELECT framework_map.new_id AS id
    FROM framework_map
    WHERE framework_map.legacy_name = lower(btrim(l.framework_id))
        OR framework_map.legacy_id::text = btrim(l.framework_id)
    ORDER BY framework_map.legacy_id
    LIMIT 1
) AS fw
WHERE NOT EXISTS (
    SELECT FROM pg_temp.adopt_refused_evidence_items AS r WHERE r.legacy_key = l.id::text
)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.evidence_items AS l
WHERE EXISTS (SELECT FROM compliance.evidence_items AS n WHERE n.id = l.id);
