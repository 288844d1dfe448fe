-- Legacy generated policies -> compliance.generated_policies: business_profil becomes
-- business_profile_id (now a foreign key), the framework named by text becomes its id. Of two
-- policies with the same profile, name and version, the older converts.
-- legacy: generated_policies
-- key: l.id
-- name: refuse
WITH ranked AS (
    SELECT
        g.id,
        row_number() OVER (
            PARTITION BY g.business_profil, g.policy_name, coalesce(g.version, 1)
            ORDER BY g.created_at, g.id
        ) AS nth
    FROM __legacy__.generated_policies AS g
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN p.id IS NULL
            THEN 'orphan: its business profile does not exist (generated_policies_business_profile_id_fkey)'
        WHEN p.user_id IS DISTINCT FROM l.user_id
            THEN 'its business profile belongs to another user (generated_policies_business_profile_id_fkey)'
        WHEN fw.id IS NULL
            THEN 'framework names no known framework (generated_policies_framework_id_fkey)'
        WHEN length(btrim(coalesce(l.policy_name, ''))) NOT BETWEEN 1 AND 255
            THEN 'policy name empty or longer than 255 (generated_policies_policy_name_check)'
        WHEN l.policy_type IS NULL OR l.policy_type !~ '^[a-z][a-z0-9_]{1,49}$'
            THEN 'policy type is not a lower-case identifier (generated_policies_policy_type_check)'
        WHEN coalesce(l.version, 1) < 1
            THEN 'version below 1 (generated_policies_version_check)'
        WHEN coalesce(l.status, 'draft') NOT IN ('draft', 'under_review', 'archived')
            THEN 'status outside draft, under_review, archived (an approval needs its approver: generated_policies_approval_check)'
        WHEN length(btrim(coalesce(l.content, ''))) < 1 OR length(l.content) > 1000000
            THEN 'content empty or larger than 1 MB (generated_policies_content_check)'
        WHEN ranked.nth > 1
            THEN 'a second policy with the same profile, name and version (generated_policies_business_profile_id_policy_name_version_key)'
        WHEN rp.legacy_key IS NOT NULL
            THEN 'its business profile is quarantined'
        WHEN rf.legacy_key IS NOT NULL
            THEN 'its framework is quarantined'
    END AS reason
FROM __legacy__.generated_policies AS l
JOIN ranked ON ranked.id = l.id
LEFT JOIN __legacy__.business_profiles AS p ON p.id = l.business_profil
LEFT JOIN LATERAL (
    SELECT f.id
    FROM __legacy__.compliance_frameworks AS f
    WHERE lower(f.name) = lower(btrim(l.framework_id)) OR f.id::text = btrim(l.framework_id)
    ORDER BY f.id
    LIMIT 1
) AS fw ON true
LEFT JOIN pg_temp.adopt_refused_business_profiles AS rp ON rp.legacy_key = l.business_profil::text
LEFT JOIN pg_temp.adopt_refused_compliance_frameworks AS rf ON rf.legacy_key = fw.id::text
-- name: convert
INSERT INTO compliance.generated_policies (
    id, user_id, business_profile_id, framework_id, policy_name, policy_type, version, status,
    content, created_at, updated_at
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
    l.business_profil,
    fw.id,
    btrim(l.policy_name),
    l.policy_type,
    coalesce(l.version, 1),
    coalesce(l.status, 'draft'),
    l.content,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.generated_policies AS l
CROSS JOIN LATERAL (
    SELECT framework_map.new_id AS id
    FROM framework_map
    WHERE framework_map.legacy_name = lower(btrim(l.framework_id))
        OR framework_map.legacy_id::text = btrim(l.framework_id)
    ORDER BY framework_map.legacy_id
    LIMIT 1
) AS fw
WHERE NOT EXISTS (
    SELECT FROM pg_temp.adopt_refused_generated_policies AS r WHERE r.legacy_key = l.id::text
)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.generated_policies AS l
WHERE EXISTS (SELECT FROM compliance.generated_policies AS n WHERE n.id = l.id);
