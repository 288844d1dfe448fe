-- name: create_chat_conversation(user_id, business_profile_id, title)^
-- Starts an empty conversation with the assistant, optionally about one of the user's business
-- profiles; returns it.
-- @param business_profile_id: UUID | None
-- @type messages: datalayer.compliance.shapes:ChatMessages
INSERT INTO compliance.chat_conversations (user_id, business_profile_id, title)
VALUES (:user_id, :business_profile_id, :title)
RETURNING id, user_id, business_profile_id, title, status, messages, last_message_at, created_at, updated_at;

-- name: get_chat_conversation_by_id(chat_conversation_id, user_id)^
-- The user's conversation with its messages, or none.
-- @type messages: datalayer.compliance.shapes:ChatMessages
SELECT id, user_id, business_profile_id, title, status, messages, last_message_at, created_at, updated_at
FROM compliance.chat_conversations
WHERE id = :chat_conversation_id
    AND user_id = :user_id;

-- name: update_chat_conversation_message(chat_conversation_id, user_id, role, content)^
-- Appends a message (role user or assistant) to the user's active conversation in one statement;
-- returns the conversation, or none if the user has no such active conversation.
-- @type messages: datalayer.compliance.shapes:ChatMessages
UPDATE compliance.chat_conversations
SET messages = messages || jsonb_build_array(
        jsonb_build_object('role', :role::text, 'content', :content::text, 'created_at', now())
    ),
    last_message_at = now()
WHERE id = :chat_conversation_id
    AND user_id = :user_id
    AND status = 'active'
RETURNING id, user_id, business_profile_id, title, status, messages, last_message_at, created_at, updated_at;

-- name: list_chat_conversations_by_user(user_id, before_updated_at, before_id, max_rows)
-- A page of the user's conversations without their messages, most recently updated first (keyset:
-- pass the last row's updated_at and id; both none for the first page).
-- @param before_updated_at: datetime | None
-- @param before_id: UUID | None
-- @model ChatConversationSummary
-- @nonnull message_count
SELECT id, business_profile_id, title, status, jsonb_array_length(messages) AS message_count, last_message_at, created_at, updated_at
FROM compliance.chat_conversations
WHERE user_id = :user_id
    AND (updated_at, id) < (
        (SELECT coalesce(:before_updated_at::timestamptz, 'infinity')),
        (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
    )
ORDER BY updated_at DESC, id DESC
LIMIT :max_rows::int;

-- name: update_chat_conversation_archived(chat_conversation_id, user_id, archived)^
-- Archives (archived true) or reactivates (false) the user's conversation; an archived one takes
-- no new messages. Returns the conversation, or none if the user has no such conversation.
-- @type messages: datalayer.compliance.shapes:ChatMessages
UPDATE compliance.chat_conversations
SET status = CASE WHEN :archived::boolean THEN 'archived' ELSE 'active' END
WHERE id = :chat_conversation_id
    AND user_id = :user_id
RETURNING id, user_id, business_profile_id, title, status, messages, last_message_at, created_at, updated_at;
