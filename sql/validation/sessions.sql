-- name: create_session(request_id, owner_id, source_technology, target_technology, scope, request_data, user_context)^
-- Creates a pending validation session; returns it.
-- @model Session
INSERT INTO validation.validation_sessions (request_id, owner_id, source_technology, target_technology, scope, request_data, user_context)
VALUES (:request_id, :owner_id, :source_technology, :target_technology, :scope, :request_data, :user_context)
RETURNING id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at;

-- name: get_session_by_id(session_id)^
-- The live (not soft-deleted) session with this id, or none.
-- @model Session
SELECT id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at
FROM validation.validation_sessions
WHERE id = :session_id
    AND deleted_at IS NULL;

-- name: get_session_by_request_id(request_id)^
-- The live session created for this request id, or none (a retried request finds its session).
-- @model Session
SELECT id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at
FROM validation.validation_sessions
WHERE request_id = :request_id
    AND deleted_at IS NULL;

-- name: get_session_for_user(session_id, user_id)^
-- The live session if user_id owns it or it is shared with them (read or write), else none.
-- @model Session
SELECT s.id, s.request_id, s.owner_id, s.status, s.source_technology, s.target_technology, s.scope, s.request_data, s.response_data, s.user_context, s.error_message, s.started_at, s.finished_at, s.created_at, s.updated_at
FROM validation.validation_sessions AS s
WHERE s.id = :session_id
    AND s.deleted_at IS NULL
    AND (
        s.owner_id = :user_id
        OR EXISTS (
            SELECT 1
            FROM validation.session_shares AS sh
            WHERE sh.session_id = s.id
                AND sh.grantee_id = :user_id
        )
    );

-- name: list_sessions_by_owner(owner_id, before_created_at, before_id, max_rows)
-- A page of the owner's live sessions, newest first (keyset: pass the last row's created_at and id).
-- @model Session
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at
FROM validation.validation_sessions
WHERE owner_id = :owner_id
    AND deleted_at IS NULL
    AND (created_at, id) < ((SELECT coalesce(:before_created_at::timestamptz, 'infinity')), (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff')))
ORDER BY created_at DESC, id DESC
LIMIT :max_rows::int;

-- name: update_session_started(session_id)^
-- Moves a live session from pending to processing and stamps started_at; returns it, or none.
-- An illegal move raises CheckViolation validation_sessions_status_transition_check.
-- @model Session
UPDATE validation.validation_sessions
SET status = 'processing',
    started_at = coalesce(started_at, now())
WHERE id = :session_id
    AND deleted_at IS NULL
RETURNING id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at;

-- name: update_session_completed(session_id, response_data)^
-- Moves a live session from processing to completed with its response; returns it, or none.
-- @model Session
UPDATE validation.validation_sessions
SET status = 'completed',
    response_data = :response_data,
    finished_at = now()
WHERE id = :session_id
    AND deleted_at IS NULL
RETURNING id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at;

-- name: update_session_failed(session_id, error_message)^
-- Moves a live session from processing to failed with the reason; returns it, or none.
-- @model Session
UPDATE validation.validation_sessions
SET status = 'failed',
    error_message = :error_message,
    finished_at = now()
WHERE id = :session_id
    AND deleted_at IS NULL
RETURNING id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at;

-- name: update_session_cancelled(session_id)^
-- Cancels a live pending or processing session; returns it, or none.
-- @model Session
UPDATE validation.validation_sessions
SET status = 'cancelled',
    finished_at = now()
WHERE id = :session_id
    AND deleted_at IS NULL
RETURNING id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at;

-- name: update_session_soft_deleted(session_id, deleted_by)^
-- Soft-deletes a live session (hidden from every default query, restorable until purged);
-- returns its id and the deletion stamp, or none if there is no such live session.
-- @model SessionDeletion
-- @nonnull deleted_at, deleted_by
UPDATE validation.validation_sessions
SET deleted_at = now(),
    deleted_by = :deleted_by
WHERE id = :session_id
    AND deleted_at IS NULL
RETURNING id, deleted_at, deleted_by;

-- name: update_session_restored(session_id)^
-- Restores a soft-deleted session; returns it, or none if it is not soft-deleted (or was purged).
-- @model Session
UPDATE validation.validation_sessions
SET deleted_at = NULL,
    deleted_by = NULL
WHERE id = :session_id
    AND deleted_at IS NOT NULL
RETURNING id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at;

-- name: list_sessions_deleted(before_deleted_at, before_id, max_rows)
-- The audit view: a page of soft-deleted (restorable) sessions, most recently deleted first
-- (keyset: pass the last row's deleted_at and id).
-- @model DeletedSession
-- @param before_deleted_at: datetime | None
-- @param before_id: UUID | None
-- @nonnull deleted_at, deleted_by
SELECT id, request_id, owner_id, status, source_technology, target_technology, created_at, deleted_at, deleted_by
FROM validation.validation_sessions
WHERE deleted_at IS NOT NULL
    AND (deleted_at, id) < ((SELECT coalesce(:before_deleted_at::timestamptz, 'infinity')), (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff')))
ORDER BY deleted_at DESC, id DESC
LIMIT :max_rows::int;

-- name: list_session_status_counts()
-- How many live sessions are in each status (statuses without sessions are left out).
-- @nonnull status, sessions
SELECT status, count(*)::int AS sessions
FROM validation.validation_sessions
WHERE deleted_at IS NULL
GROUP BY status
ORDER BY status;
