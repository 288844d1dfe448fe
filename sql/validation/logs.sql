-- name: create_session_log(session_id, level, message, details)^
-- Appends one line to a session's processing log; returns it.
-- @param details: JsonValue | None
INSERT INTO validation.session_logs (session_id, level, message, details)
VALUES (:session_id, :level, :message, :details)
RETURNING id, session_id, level, message, details, logged_at;

-- name: list_session_logs(session_id, after_logged_at, after_id, max_rows)
-- A page of a session's log lines in the order they were written (keyset: pass the last row's
-- logged_at and id); empty for a soft-deleted session.
-- @param after_logged_at: datetime | None
-- @param after_id: UUID | None
SELECT l.id, l.session_id, l.level, l.message, l.details, l.logged_at
FROM validation.session_logs AS l
JOIN validation.validation_sessions AS s ON s.id = l.session_id
WHERE l.session_id = :session_id
    AND s.deleted_at IS NULL
    AND (l.logged_at, l.id) > ((SELECT coalesce(:after_logged_at::timestamptz, '-infinity')), (SELECT coalesce(:after_id::uuid, '00000000-0000-0000-0000-000000000000')))
ORDER BY l.logged_at, l.id
LIMIT :max_rows::int;
