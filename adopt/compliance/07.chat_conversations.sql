-- Legacy chat conversations -> compliance.chat_conversations: messages must be a JSON array of
-- {role: user|assistant, content: string} (chat_conversations_messages_check); a conversation
-- whose profile is quarantined is refused rather than converted without it (its relation would
-- be lost). last_message_at is the last update.
-- legacy: chat_conversations
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.user_id IS NULL
            THEN 'no user (chat_conversations_user_id_fkey)'
        WHEN l.business_profile_id IS NOT NULL AND p.user_id IS DISTINCT FROM l.user_id
            THEN 'its business profile belongs to another user (chat_conversations_business_profile_id_fkey)'
        WHEN length(btrim(coalesce(l.title, ''))) NOT BETWEEN 1 AND 255
            THEN 'title empty or longer than 255 (chat_conversations_title_check)'
        WHEN coalesce(l.status, 'active') NOT IN ('active', 'archived')
            THEN 'status outside active, archived (chat_conversations_status_check)'
        WHEN l.messages IS NOT NULL AND (
            jsonb_typeof(l.messages) <> 'array'
            OR jsonb_path_exists(l.messages, '$[*] ? ((!(@.role == "user" || @.role == "assistant") || !(exists (@.content))) || @.content.type() != "string")')
        )
            THEN 'messages are not a list of user and assistant turns with text (chat_conversations_messages_check)'
        WHEN octet_length(l.messages::text) > 1000000
            THEN 'messages larger than 1 MB (chat_conversations_messages_length_check)'
        WHEN ru.legacy_key IS NOT NULL
            THEN 'its user is quarantined'
        WHEN rp.legacy_key IS NOT NULL
            THEN 'its business profile is quarantined'
    END AS reason
FROM __legacy__.chat_conversations AS l
LEFT JOIN __legacy__.business_profiles AS p ON p.id = l.business_profile_id
LEFT JOIN pg_temp.adopt_refused_users AS ru ON ru.legacy_key = l.user_id::text
LEFT JOIN pg_temp.adopt_refused_business_profiles AS rp ON rp.legacy_key = l.business_profile_id::text
-- name: convert
INSERT INTO compliance.chat_conversations (
    id, user_id, business_profile_id, title, status, messages, last_message_at, created_at,
    updated_at
)
SELECT
    l.id,
    l.user_id,
    l.business_profile_id,
    btrim(l.title),
    coalesce(l.status, 'active'),
    coalesce(l.messages, '[]'::jsonb),
    CASE WHEN jsonb_array_length(coalesce(l.messages, '[]'::jsonb)) > 0 THEN l.updated_at AT TIME ZONE 'UTC' END,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.chat_conversations AS l
WHERE NOT EXISTS (
    SELECT FROM pg_temp.adopt_refused_chat_conversations AS r WHERE r.legacy_key = l.id::text
)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.chat_conversations AS l
WHERE EXISTS (SELECT FROM compliance.chat_conversations AS n WHERE n.id = l.id);
