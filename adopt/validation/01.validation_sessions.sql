-- The validation system's legacy sessions -> validation.validation_sessions and session_logs.
-- The old models ran on SQLite first: ids are UUIDs written as text, JSON columns are text, the
-- owner is only the user_id inside user_context, and the processing log is a JSON list inside the
-- row. Text is parsed with pg_temp helpers that return null instead of failing (prepare below).
-- A new session must start pending (validation_sessions_status_transition_check), so each one is
-- inserted pending and then moved through the transitions the schema allows to its legacy state
-- (pending -> processing -> completed | failed, or pending -> cancelled). Each log entry becomes
-- a session_logs row; keys other than timestamp, level and message are kept in details. A soft
-- delete without its author is recorded as 'unknown (deleted before adoption)'.
-- legacy: validation_sessions
-- key: l.id
-- name: prepare
SET LOCAL TIME ZONE 'UTC';
CREATE FUNCTION pg_temp.adopt_jsonb(p_text text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN p_text::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;
CREATE FUNCTION pg_temp.adopt_uuid(p_text text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN p_text::uuid END
$$;
CREATE FUNCTION pg_temp.adopt_timestamptz(p_text text) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN p_text::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;
CREATE FUNCTION pg_temp.adopt_date(p_text text) RETURNS date LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN CASE WHEN p_text ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN p_text::date END;
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;
-- name: refuse
WITH parsed AS (
    SELECT
        s.id,
        pg_temp.adopt_jsonb(s.request_data) AS request,
        pg_temp.adopt_jsonb(s.result_data) AS response,
        pg_temp.adopt_jsonb(coalesce(s.user_context, '{}')) AS context,
        pg_temp.adopt_jsonb(coalesce(s.processing_log, '[]')) AS log
    FROM __legacy__.validation_sessions AS s
)
SELECT
    l.id AS legacy_key,
    CASE
        WHEN pg_temp.adopt_uuid(l.id) IS NULL
            THEN 'id is not a UUID'
        WHEN length(btrim(coalesce(l.request_id, ''))) NOT BETWEEN 1 AND 200
            THEN 'request id empty or longer than 200 (validation_sessions_request_id_check)'
        WHEN l.status IS NULL OR l.status NOT IN ('pending', 'processing', 'completed', 'failed', 'cancelled')
            THEN 'status outside pending, processing, completed, failed, cancelled (validation_sessions_status_check)'
        WHEN lower(btrim(l.source_technology)) !~ '^[a-z0-9][a-z0-9_.+#-]{0,49}$'
            OR lower(btrim(l.target_technology)) !~ '^[a-z0-9][a-z0-9_.+#-]{0,49}$'
            OR l.source_technology IS NULL OR l.target_technology IS NULL
            THEN 'technology name malformed (validation_sessions_source_technology_check)'
        WHEN l.validation_scope IS NULL OR l.validation_scope NOT IN (
            'full_system', 'ui_layout', 'backend_functionality', 'data_structure', 'api_endpoints',
            'business_logic', 'behavioral_validation')
            THEN 'scope outside the known scopes (validation_sessions_scope_check)'
        WHEN p.request IS NULL OR jsonb_typeof(p.request) <> 'object'
            THEN 'request data is not a JSON object (validation_sessions_request_data_check)'
        WHEN l.result_data IS NOT NULL AND (p.response IS NULL OR jsonb_typeof(p.response) <> 'object')
            THEN 'result data is not a JSON object (validation_sessions_response_data_check)'
        WHEN p.context IS NULL OR jsonb_typeof(p.context) <> 'object'
            THEN 'user context is not a JSON object (validation_sessions_user_context_check)'
        WHEN pg_temp.adopt_uuid(p.context ->> 'user_id') IS NULL
            THEN 'no owner: user_context holds no user_id that is a UUID (validation_sessions owner_id)'
        WHEN p.log IS NULL OR jsonb_typeof(p.log) <> 'array' OR EXISTS (
            SELECT FROM jsonb_array_elements(p.log) AS e
            WHERE jsonb_typeof(e) <> 'object'
                OR lower(e ->> 'level') NOT IN ('debug', 'info', 'warning', 'error')
                OR length(e ->> 'message') NOT BETWEEN 1 AND 10000
                OR pg_temp.adopt_timestamptz(e ->> 'timestamp') IS NULL
        )
            THEN 'processing log is not a list of {timestamp, level, message} (session_logs_level_check)'
        WHEN (l.status = 'failed') <> (l.error_message IS NOT NULL)
            THEN 'an error message without failure, or a failure without one (validation_sessions_error_message_check)'
        WHEN l.status IN ('completed', 'failed', 'cancelled') AND l.completed_at IS NULL
            OR l.completed_at < l.created_at
            THEN 'finished without a completion time, or before it began (validation_sessions_finished_at_check)'
        WHEN length(l.deleted_by) > 200
            THEN 'deleted by a name longer than 200 (validation_sessions_deleted_by_length_check)'
    END AS reason
FROM __legacy__.validation_sessions AS l
JOIN parsed AS p ON p.id = l.id
-- name: convert
INSERT INTO validation.validation_sessions (
    id, request_id, owner_id, status, source_technology, target_technology, scope,
    request_data, user_context, created_at, updated_at
)
SELECT
    pg_temp.adopt_uuid(l.id),
    btrim(l.request_id),
    pg_temp.adopt_uuid(pg_temp.adopt_jsonb(coalesce(l.user_context, '{}')) ->> 'user_id'),
    'pending',
    lower(btrim(l.source_technology)),
    lower(btrim(l.target_technology)),
    l.validation_scope,
    pg_temp.adopt_jsonb(l.request_data),
    pg_temp.adopt_jsonb(coalesce(l.user_context, '{}')),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', now())
FROM __legacy__.validation_sessions AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_validation_sessions AS r WHERE r.legacy_key = l.id)
ON CONFLICT (id) DO NOTHING;
UPDATE validation.validation_sessions AS n
SET status = 'processing', started_at = l.created_at AT TIME ZONE 'UTC'
FROM __legacy__.validation_sessions AS l
WHERE n.id = pg_temp.adopt_uuid(l.id)
    AND n.status = 'pending'
    AND l.status IN ('processing', 'completed', 'failed')
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_refused_validation_sessions AS r WHERE r.legacy_key = l.id);
UPDATE validation.validation_sessions AS n
SET
    status = l.status,
    finished_at = l.completed_at AT TIME ZONE 'UTC',
    response_data = pg_temp.adopt_jsonb(l.result_data),
    error_message = l.error_message
FROM __legacy__.validation_sessions AS l
WHERE n.id = pg_temp.adopt_uuid(l.id)
    AND n.status IN ('pending', 'processing')
    AND l.status IN ('completed', 'failed', 'cancelled')
    AND l.status IS DISTINCT FROM n.status
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_refused_validation_sessions AS r WHERE r.legacy_key = l.id);
UPDATE validation.validation_sessions AS n
SET
    deleted_at = coalesce(l.deleted_at, l.updated_at, l.created_at) AT TIME ZONE 'UTC',
    deleted_by = coalesce(l.deleted_by, 'unknown (deleted before adoption)')
FROM __legacy__.validation_sessions AS l
WHERE n.id = pg_temp.adopt_uuid(l.id)
    AND l.is_deleted
    AND n.deleted_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_refused_validation_sessions AS r WHERE r.legacy_key = l.id);
INSERT INTO validation.session_logs (session_id, level, message, details, logged_at)
SELECT
    n.id,
    lower(e.value ->> 'level'),
    e.value ->> 'message',
    nullif(e.value - ARRAY['timestamp', 'level', 'message'], '{}'::jsonb),
    pg_temp.adopt_timestamptz(e.value ->> 'timestamp')
FROM __legacy__.validation_sessions AS l
JOIN validation.validation_sessions AS n ON n.id = pg_temp.adopt_uuid(l.id)
CROSS JOIN LATERAL jsonb_array_elements(pg_temp.adopt_jsonb(coalesce(l.processing_log, '[]')))
    WITH ORDINALITY AS e (value, position)
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_validation_sessions AS r WHERE r.legacy_key = l.id)
    AND NOT EXISTS (SELECT FROM validation.session_logs AS s WHERE s.session_id = n.id)
ORDER BY n.id, e.position;
-- name: converted
SELECT count(*)
FROM __legacy__.validation_sessions AS l
WHERE EXISTS (
    SELECT FROM validation.validation_sessions AS n WHERE n.id = pg_temp.adopt_uuid(l.id)
);
