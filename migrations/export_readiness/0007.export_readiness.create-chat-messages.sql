-- export_readiness.chat_messages: the turns of a chat session, with the sources an answer cites.
-- Requirement 17.2: users describe buyers, prices and their business in their questions, and
-- answers repeat them, so the text is stored only as content_encrypted (pgcrypto pgp_sym_encrypt
-- under the application's DATABASE_ENCRYPTION_KEY). sources (the citations) point at public
-- regulations and guides, stay in clear and are searched by containment (GIN index).
-- Messages are never edited (an UPDATE is refused: chat_messages_append_only); they are deleted
-- only with their session, report or user. created_at is the clock time of the insert (not the
-- transaction's start), so a question and its answer written in one transaction keep their
-- order; keyset pages follow (session_id, created_at, id).
-- depends: 0006.export_readiness.create-chat-sessions

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE export_readiness.chat_messages (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    session_id uuid NOT NULL,
    role text NOT NULL,
    content_encrypted bytea NOT NULL,
    sources jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT chat_messages_pkey PRIMARY KEY (id),
    CONSTRAINT chat_messages_session_id_fkey FOREIGN KEY (session_id) REFERENCES export_readiness.chat_sessions (id) ON DELETE CASCADE,
    CONSTRAINT chat_messages_role_check CHECK (role IN ('user', 'assistant')),
    CONSTRAINT chat_messages_content_encrypted_check CHECK (octet_length(content_encrypted) > 0),
    CONSTRAINT chat_messages_sources_check CHECK (
        jsonb_typeof(sources) = 'array'
        AND NOT jsonb_path_exists(sources, '$[*] ? (@.type() != "object" || !exists(@.source))')
        AND (role = 'assistant' OR sources = '[]')
    )
);

COMMENT ON TABLE export_readiness.chat_messages IS 'Messages of chat sessions (append-only), text encrypted at rest, with the citations of answers.';

COMMENT ON COLUMN export_readiness.chat_messages.role IS 'user (a question) or assistant (an answer).';

COMMENT ON COLUMN export_readiness.chat_messages.content_encrypted IS 'Sensitive (Requirement 17.2: business details, buyers and prices in free text): the message text, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY).';

COMMENT ON COLUMN export_readiness.chat_messages.created_at IS 'When the message was written: clock_timestamp(), so messages of one transaction stay in order.';

COMMENT ON COLUMN export_readiness.chat_messages.sources IS 'Citations of an answer: JSON array of objects with source (document id) and optionally title, url, page, excerpt. Empty for questions.';

COMMENT ON CONSTRAINT chat_messages_session_id_fkey ON export_readiness.chat_messages IS 'a message must belong to an existing chat session';

COMMENT ON CONSTRAINT chat_messages_role_check ON export_readiness.chat_messages IS 'role must be user or assistant';

COMMENT ON CONSTRAINT chat_messages_content_encrypted_check ON export_readiness.chat_messages IS 'content_encrypted cannot be empty';

COMMENT ON CONSTRAINT chat_messages_sources_check ON export_readiness.chat_messages IS 'sources must be a JSON array of objects that each name a source, and only answers cite sources';

CREATE INDEX chat_messages_session_id_created_at_idx ON export_readiness.chat_messages (session_id, created_at DESC, id DESC);

CREATE INDEX chat_messages_sources_idx ON export_readiness.chat_messages USING gin (sources jsonb_path_ops);

CREATE TRIGGER _100_forbid_update
    BEFORE UPDATE ON export_readiness.chat_messages
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();
