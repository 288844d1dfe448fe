-- Legacy assessment sessions -> compliance.assessment_sessions: business_profil becomes
-- business_profile_id (now a foreign key, with the profile's user), questions_answe becomes
-- questions_answered (a JSON object; null becomes {}), the framework named by text becomes the
-- framework's id. A completed session gets completed_at from its last update; a blank name
-- becomes null.
-- legacy: assessment_sessions
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN p.id IS NULL
            THEN 'orphan: its business profile does not exist (assessment_sessions_business_profile_id_fkey)'
        WHEN p.user_id IS DISTINCT FROM l.user_id
            THEN 'its business profile belongs to another user (assessment_sessions_business_profile_id_fkey)'
        WHEN fw.id IS NULL
            THEN 'framework names no known framework (assessment_sessions_framework_id_fkey)'
        WHEN coalesce(l.status, 'not_started') NOT IN ('not_started', 'in_progress', 'completed', 'abandoned')
            THEN 'status outside not_started, in_progress, completed, abandoned (assessment_sessions_status_check)'
        WHEN coalesce(l.progress_percentage, 0) NOT BETWEEN 0 AND 100
            THEN 'progress outside 0 to 100 (assessment_sessions_progress_percentage_check)'
        WHEN l.questions_answe IS NOT NULL AND jsonb_typeof(l.questions_answe) <> 'object'
            THEN 'answers are not a JSON object (assessment_sessions_questions_answered_check)'
        WHEN octet_length(l.questions_answe::text) > 1000000
            THEN 'answers larger than 1 MB (assessment_sessions_questions_answered_length_check)'
        WHEN length(btrim(l.session_name)) > 255
            THEN 'session name longer than 255 (assessment_sessions_session_name_check)'
        WHEN rp.legacy_key IS NOT NULL
            THEN 'its business profile is quarantined'
        WHEN rf.legacy_key IS NOT NULL
            THEN 'its framework is quarantined'
    END AS reason
FROM __legacy__.assessment_sessions AS l
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
INSERT INTO compliance.assessment_sessions (
    id, user_id, business_profile_id, framework_id, session_name, status, questions_answered,
    progress_percentage, completed_at, created_at, updated_at
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
    nullif(btrim(l.session_name), ''),
    coalesce(l.status, 'not_started'),
    coalesce(l.questions_answe, '{}'::jsonb),
    coalesce(l.progress_percentage, 0),
    CASE WHEN l.status = 'completed' THEN coalesce(l.updated_at, l.created_at, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' END,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.assessment_sessions AS l
CROSS JOIN LATERAL (
    SELECT framework_map.new_id AS id
    FROM framework_map
    WHERE framework_map.legacy_name = lower(btrim(l.framework_id))
        OR framework_map.legacy_id::text = btrim(l.framework_id)
    ORDER BY framework_map.legacy_id
    LIMIT 1
) AS fw
WHERE NOT EXISTS (
    SELECT FROM pg_temp.adopt_refused_assessment_sessions AS r WHERE r.legacy_key = l.id::text
)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.assessment_sessions AS l
WHERE EXISTS (SELECT FROM compliance.assessment_sessions AS n WHERE n.id = l.id);
