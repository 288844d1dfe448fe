-- compliance.chat_conversations: the user's conversations with the AI assistant.
-- Messages are a jsonb array of {role, content, created_at} objects (role user or assistant),
-- appended in one statement.
-- A conversation may be about one of the user's business profiles (composite foreign key with the
-- owner); deleting the profile keeps the conversation and clears only business_profile_id.
-- depends: 0005.compliance.create-evidence-items

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.chat_conversations (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    business_profile_id uuid,
    title text NOT NULL,
    status text NOT NULL DEFAULT 'active',
    messages jsonb NOT NULL DEFAULT '[]',
    last_message_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chat_conversations_pkey PRIMARY KEY (id),
    CONSTRAINT chat_conversations_user_id_fkey FOREIGN KEY (user_id) REFERENCES compliance.users (id) ON DELETE CASCADE,
    CONSTRAINT chat_conversations_business_profile_id_fkey FOREIGN KEY (business_profile_id, user_id)
        REFERENCES compliance.business_profiles (id, user_id) ON DELETE SET NULL (business_profile_id),
    CONSTRAINT chat_conversations_title_check CHECK (length(btrim(title)) BETWEEN 1 AND 255),
    CONSTRAINT chat_conversations_status_check CHECK (status IN ('active', 'archived')),
    CONSTRAINT chat_conversations_messages_check CHECK (
        jsonb_typeof(messages) = 'array'
        AND NOT jsonb_path_exists(
            messages,
            '$[*] ? (!(@.role == "user" || @.role == "assistant") || !exists(@.content) || @.content.type() != "string")'
        )
    )
);

COMMENT ON TABLE compliance.chat_conversations IS 'Conversations with the AI compliance assistant.';

COMMENT ON COLUMN compliance.chat_conversations.business_profile_id IS 'The business profile the conversation is about, if any.';

COMMENT ON COLUMN compliance.chat_conversations.messages IS 'The messages, oldest first: a jsonb array of {role, content, created_at}.';

COMMENT ON COLUMN compliance.chat_conversations.last_message_at IS 'When the last message was appended; null while empty.';

COMMENT ON CONSTRAINT chat_conversations_user_id_fkey ON compliance.chat_conversations IS 'a conversation must belong to an existing user';

COMMENT ON CONSTRAINT chat_conversations_business_profile_id_fkey ON compliance.chat_conversations IS 'business_profile_id must be a business profile of the same user';

COMMENT ON CONSTRAINT chat_conversations_title_check ON compliance.chat_conversations IS 'title must have 1 to 255 characters';

COMMENT ON CONSTRAINT chat_conversations_status_check ON compliance.chat_conversations IS 'status must be active or archived';

COMMENT ON CONSTRAINT chat_conversations_messages_check ON compliance.chat_conversations IS 'messages must be an array of {role, content} with role user or assistant';

CREATE INDEX chat_conversations_user_id_updated_at_idx ON compliance.chat_conversations (user_id, updated_at DESC, id DESC);

CREATE INDEX chat_conversations_business_profile_id_idx ON compliance.chat_conversations (business_profile_id, user_id)
    WHERE business_profile_id IS NOT NULL;

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.chat_conversations
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
