-- Legacy frameworks -> compliance.compliance_frameworks. The old tables named a framework by
-- free text (framework_id VARCHAR(50) holding 'GDPR', 'gdpr', 'ISO 27001' or an id); the new
-- schema refers to it by id and gives it a code: the legacy name in lower case, runs of other
-- characters as '-' ('Cyber Essentials' -> 'cyber-essentials'). The display name becomes the
-- name. A framework the schema already has (the five compliance migration 0030 ships: gdpr,
-- iso27001, soc2, hipaa, pci-dss) is used instead of a copy when its code is the legacy name
-- ignoring case and punctuation ('iso27001' for 'ISO 27001'); references then point to it and its
-- shipped texts stay as they are.
-- legacy: compliance_frameworks
-- key: l.id
-- name: refuse
WITH coded AS (
    SELECT
        f.id,
        trim(BOTH '-' FROM lower(regexp_replace(btrim(f.name), '[^A-Za-z0-9]+', '-', 'g'))) AS code
    FROM __legacy__.compliance_frameworks AS f
),
ranked AS (
    SELECT coded.id, coded.code, row_number() OVER (PARTITION BY coded.code ORDER BY coded.id) AS nth
    FROM coded
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN ranked.code !~ '^[a-z0-9][a-z0-9_-]{1,49}$'
            THEN 'name gives no usable code (compliance_frameworks_code_check)'
        WHEN ranked.nth > 1
            THEN 'another framework has the same code (compliance_frameworks_code_key)'
        WHEN length(btrim(coalesce(l.display_name, l.name, ''))) NOT BETWEEN 1 AND 255
            THEN 'name empty or longer than 255 (compliance_frameworks_name_check)'
        WHEN length(btrim(l.version)) NOT BETWEEN 1 AND 50
            THEN 'version empty or longer than 50 (compliance_frameworks_version_check)'
        WHEN length(btrim(l.category)) NOT BETWEEN 1 AND 100
            THEN 'category empty or longer than 100 (compliance_frameworks_category_check)'
        WHEN length(l.description) > 10000
            THEN 'description longer than 10000 (compliance_frameworks_description_length_check)'
    END AS reason
FROM __legacy__.compliance_frameworks AS l
JOIN ranked ON ranked.id = l.id
-- name: convert
INSERT INTO compliance.compliance_frameworks (
    id, code, name, version, category, description, is_active, created_at, updated_at
)
SELECT
    l.id,
    trim(BOTH '-' FROM lower(regexp_replace(btrim(l.name), '[^A-Za-z0-9]+', '-', 'g'))),
    btrim(coalesce(l.display_name, l.name)),
    btrim(l.version),
    btrim(l.category),
    l.description,
    coalesce(l.is_active, true),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.compliance_frameworks AS l
WHERE NOT EXISTS (
    SELECT FROM pg_temp.adopt_refused_compliance_frameworks AS r WHERE r.legacy_key = l.id::text
)
    AND NOT EXISTS (
        SELECT FROM compliance.compliance_frameworks AS n
        WHERE n.id = l.id
            OR regexp_replace(n.code, '[^a-z0-9]', '', 'g') = regexp_replace(lower(l.name), '[^a-z0-9]', '', 'g')
    )
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.compliance_frameworks AS l
WHERE EXISTS (
    SELECT FROM compliance.compliance_frameworks AS n
    WHERE n.id = l.id
        OR regexp_replace(n.code, '[^a-z0-9]', '', 'g') = regexp_replace(lower(l.name), '[^a-z0-9]', '', 'g')
);
