-- name: create_chat_session(user_id, report_id, context_data)^
-- Opens a chat session for the user, about one of their reports or general (report_id none); returns it.
-- @param report_id: UUID | None
INSERT INTO export_readiness.chat_sessions (user_id, report_id, context_data)
VALUES (:user_id, :report_id, :context_data)
RETURNING id, user_id, report_id, context_data, created_at, updated_at;

-- name: get_chat_session(session_id, user_id)^
-- The user's chat session, or none.
SELECT id, user_id, report_id, context_data, created_at, updated_at
FROM export_readiness.chat_sessions
WHERE id = :session_id
    AND user_id = :user_id;

-- name: list_chat_sessions_by_user(user_id, before_updated_at, before_id, max_rows)
-- A page of the user's chat sessions, most recently active first, with their message counts. For
-- the next page pass the last row's updated_at and id (both none for the first page).
-- @param before_updated_at: datetime | None
-- @param before_id: UUID | None
-- @nonnull message_count
-- @model ChatSessionSummary
SELECT
    s.id,
    s.user_id,
    s.report_id,
    s.context_data,
    s.created_at,
    s.updated_at,
    (SELECT count(*) FROM export_readiness.chat_messages AS m WHERE m.session_id = s.id) AS message_count
FROM export_readiness.chat_sessions AS s
WHERE s.user_id = :user_id
    AND s.updated_at <= (SELECT coalesce(:before_updated_at::timestamptz, 'infinity'))
    AND (
        s.updated_at < (SELECT coalesce(:before_updated_at::timestamptz, 'infinity'))
        OR s.id > (SELECT coalesce(:before_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY s.updated_at DESC, s.id
LIMIT :max_rows::int;

-- name: update_chat_session_context(session_id, user_id, context_data)^
-- Merges keys into the user's session context (new values win); returns the session, or none.
UPDATE export_readiness.chat_sessions
SET context_data = context_data || :context_data::jsonb
WHERE id = :session_id
    AND user_id = :user_id
RETURNING id, user_id, report_id, context_data, created_at, updated_at;

-- name: delete_chat_session(session_id, user_id)!
-- Deletes the user's chat session and its messages; returns the number of sessions deleted (0 or 1).
DELETE FROM export_readiness.chat_sessions
WHERE id = :session_id
    AND user_id = :user_id;

-- name: create_chat_message(session_id, user_id, role, content, sources, encryption_key)^
-- Adds a message to the user's chat session (its text encrypted with encryption_key; sources are
-- the citations of an answer, an empty array for a question) and marks the session active;
-- returns the message with its text decrypted, or none if the user has no such session.
-- @type sources: datalayer.export_readiness.shapes:Citations
-- @nonnull content
-- @sensitive content
WITH owned_session AS (
    UPDATE export_readiness.chat_sessions
    SET updated_at = now()
    WHERE id = :session_id
        AND user_id = :user_id
    RETURNING id
)
INSERT INTO export_readiness.chat_messages (session_id, role, content_encrypted, content_key_id, sources)
SELECT owned_session.id, :role, export_readiness.encrypt(:content::text, :encryption_key::text), export_readiness.current_key_id(:encryption_key::text), :sources
FROM owned_session
RETURNING id, session_id, role, export_readiness.decrypt(content_encrypted, content_key_id, :encryption_key::text) AS content, sources, created_at;

-- name: list_chat_messages(session_id, user_id, before_created_at, before_id, max_rows, encryption_key)
-- A page of the chat history of the user's session, newest first, text decrypted, with the
-- citations of each answer. For the next (older) page pass the last row's created_at and id as
-- before_created_at and before_id (both none for the first page). Empty for another user's session.
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
-- @type sources: datalayer.export_readiness.shapes:Citations
-- @nonnull content
SELECT m.id, m.session_id, m.role, export_readiness.decrypt(m.content_encrypted, m.content_key_id, :encryption_key::text) AS content, m.sources, m.created_at
FROM export_readiness.chat_messages AS m
JOIN export_readiness.chat_sessions AS s
    ON s.id = m.session_id
WHERE m.session_id = :session_id
    AND s.user_id = :user_id
    AND (m.created_at, m.id) < (
        (SELECT coalesce(:before_created_at::timestamptz, 'infinity')),
        (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
    )
ORDER BY m.created_at DESC, m.id DESC
LIMIT :max_rows::int;

-- name: list_chat_messages_by_source(user_id, source, max_rows, encryption_key)
-- The user's answers that cite this source (a document id; served by the GIN index on sources),
-- newest first, text decrypted.
-- @type sources: datalayer.export_readiness.shapes:Citations
-- @nonnull content
SELECT m.id, m.session_id, m.role, export_readiness.decrypt(m.content_encrypted, m.content_key_id, :encryption_key::text) AS content, m.sources, m.created_at
FROM export_readiness.chat_messages AS m
JOIN export_readiness.chat_sessions AS s
    ON s.id = m.session_id
WHERE s.user_id = :user_id
    AND m.sources @> jsonb_build_array(jsonb_build_object('source', :source::text))
ORDER BY m.created_at DESC, m.id DESC
LIMIT :max_rows::int;
