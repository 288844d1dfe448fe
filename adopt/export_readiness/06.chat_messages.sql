-- Legacy chat messages -> export_readiness.chat_messages: the text, kept in clear, is encrypted
-- with the application's current key through export_readiness.encrypt (content_encrypted) and
-- content_key_id records that key's id; only the assistant cites sources, each an
-- object naming its source (chat_messages_sources_check).
-- legacy: chat_messages
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.role IS NULL OR l.role NOT IN ('user', 'assistant')
            THEN 'role outside user, assistant (chat_messages_role_check)'
        WHEN coalesce(l.content, '') = ''
            THEN 'empty message (chat_messages_content_encrypted_check)'
        WHEN l.sources IS NOT NULL AND (
            jsonb_typeof(l.sources) <> 'array'
            OR jsonb_path_exists(l.sources, '$[*] ? (@.type() != "object" || !(exists (@.source)))')
            OR (l.role = 'user' AND l.sources <> '[]'::jsonb)
        )
            THEN 'sources are not a list of objects naming their source, on an assistant message (chat_messages_sources_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_chat_sessions AS q WHERE q.legacy_key = l.session_id::text)
            THEN 'its session is quarantined'
    END AS reason
FROM __legacy__.chat_messages AS l
-- name: convert
INSERT INTO export_readiness.chat_messages (
    id, session_id, role, content_encrypted, content_key_id, sources, created_at
)
SELECT
    l.id,
    l.session_id,
    l.role,
    export_readiness.encrypt(l.content, current_setting('datalayer.adopt_keyring')),
    export_readiness.current_key_id(current_setting('datalayer.adopt_keyring')),
    coalesce(l.sources, '[]'),
    coalesce(l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.chat_messages AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_chat_messages AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.chat_messages AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.chat_messages AS l
WHERE EXISTS (SELECT FROM export_readiness.chat_messages AS n WHERE n.id = l.id);
