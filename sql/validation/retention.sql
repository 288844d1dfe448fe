-- name: count_sessions_to_clean_up(created_before)$
-- How many live sessions were created before created_before (what cleanup would soft-delete).
SELECT count(*)::int
FROM validation.validation_sessions
WHERE deleted_at IS NULL
    AND created_at < :created_before::timestamptz;

-- name: update_sessions_soft_deleted_batch(created_before, deleted_by, batch_size)!
-- Soft-deletes up to batch_size live sessions created before created_before, oldest first,
-- skipping rows locked by others; returns how many it soft-deleted (0 when none are left).
WITH batch AS (
    SELECT id
    FROM validation.validation_sessions
    WHERE deleted_at IS NULL
        AND created_at < :created_before::timestamptz
    ORDER BY created_at, id
    LIMIT :batch_size::int
    FOR UPDATE SKIP LOCKED
)
UPDATE validation.validation_sessions AS s
SET deleted_at = now(),
    deleted_by = :deleted_by
FROM batch
WHERE s.id = batch.id;

-- name: count_sessions_to_purge(deleted_before)$
-- How many sessions were soft-deleted before deleted_before (what a purge would remove).
SELECT count(*)::int
FROM validation.validation_sessions
WHERE deleted_at < :deleted_before::timestamptz;

-- name: delete_sessions_purged_batch(deleted_before, batch_size)!
-- Removes for good up to batch_size sessions soft-deleted before deleted_before, with their
-- shares, logs, results, discrepancies and behavioral tests (cascade); returns how many sessions.
WITH batch AS (
    SELECT id
    FROM validation.validation_sessions
    WHERE deleted_at < :deleted_before::timestamptz
    ORDER BY deleted_at, id
    LIMIT :batch_size::int
    FOR UPDATE SKIP LOCKED
)
DELETE FROM validation.validation_sessions AS s
USING batch
WHERE s.id = batch.id;

-- name: list_sessions_for_export(created_since)
-- Every live session created at or after created_since (all when None), oldest first, with its
-- result's status, score and timing (null without a result). Meant to be streamed through a
-- server-side cursor (validation.stream_session_export), not fetched whole.
-- @model SessionExport
-- @param created_since: datetime | None
-- @nullable overall_status, fidelity_score, execution_time_ms
SELECT s.id, s.request_id, s.owner_id, s.status, s.source_technology, s.target_technology, s.scope, s.request_data, s.response_data, s.user_context, s.error_message, s.started_at, s.finished_at, s.created_at, s.updated_at, r.overall_status, r.fidelity_score, r.execution_time_ms
FROM validation.validation_sessions AS s
LEFT JOIN validation.validation_results AS r ON r.session_id = s.id
WHERE s.deleted_at IS NULL
    AND s.created_at >= (SELECT coalesce(:created_since::timestamptz, '-infinity'))
ORDER BY s.created_at, s.id;
