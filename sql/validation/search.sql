-- name: list_sessions_search(statuses, source_technology, target_technology, created_from, created_to, owner_id, visible_to, sort_by, descending, page_size, page_offset)
-- One page of live sessions matching every given filter (a None filter matches all): statuses,
-- technologies, created_at in [created_from, created_to), owner_id, and visible_to (owned by or
-- shared with that user). Sorted by sort_by (created_at, updated_at, finished_at, status,
-- source_technology, target_technology or owner_id; any other value sorts by id only), then id,
-- both ascending or both descending. Call it through validation.search_sessions, which checks
-- sort_by against that whitelist and adds the total count.
-- @model Session
-- @param statuses: list[str] | None
-- @param source_technology: str | None
-- @param target_technology: str | None
-- @param created_from: datetime | None
-- @param created_to: datetime | None
-- @param owner_id: UUID | None
-- @param visible_to: UUID | None
SELECT s.id, s.request_id, s.owner_id, s.status, s.source_technology, s.target_technology, s.scope, s.request_data, s.response_data, s.user_context, s.error_message, s.started_at, s.finished_at, s.created_at, s.updated_at
FROM validation.validation_sessions AS s
WHERE s.deleted_at IS NULL
    AND (:statuses::text[] IS NULL OR s.status = ANY(:statuses::text[]))
    AND (:source_technology::text IS NULL OR s.source_technology = :source_technology::text)
    AND (:target_technology::text IS NULL OR s.target_technology = :target_technology::text)
    AND (:created_from::timestamptz IS NULL OR s.created_at >= :created_from::timestamptz)
    AND (:created_to::timestamptz IS NULL OR s.created_at < :created_to::timestamptz)
    AND (:owner_id::uuid IS NULL OR s.owner_id = :owner_id::uuid)
    AND (
        :visible_to::uuid IS NULL
        OR s.owner_id = :visible_to::uuid
        OR EXISTS (
            SELECT 1
            FROM validation.session_shares AS sh
            WHERE sh.session_id = s.id
                AND sh.grantee_id = :visible_to::uuid
        )
    )
ORDER BY
    CASE WHEN :sort_by::text = 'created_at' AND NOT :descending::boolean THEN s.created_at END ASC,
    CASE WHEN :sort_by::text = 'created_at' AND :descending::boolean THEN s.created_at END DESC,
    CASE WHEN :sort_by::text = 'updated_at' AND NOT :descending::boolean THEN s.updated_at END ASC,
    CASE WHEN :sort_by::text = 'updated_at' AND :descending::boolean THEN s.updated_at END DESC,
    CASE WHEN :sort_by::text = 'finished_at' AND NOT :descending::boolean THEN s.finished_at END ASC,
    CASE WHEN :sort_by::text = 'finished_at' AND :descending::boolean THEN s.finished_at END DESC,
    CASE WHEN :sort_by::text = 'status' AND NOT :descending::boolean THEN s.status END COLLATE "C" ASC,
    CASE WHEN :sort_by::text = 'status' AND :descending::boolean THEN s.status END COLLATE "C" DESC,
    CASE WHEN :sort_by::text = 'source_technology' AND NOT :descending::boolean THEN s.source_technology END COLLATE "C" ASC,
    CASE WHEN :sort_by::text = 'source_technology' AND :descending::boolean THEN s.source_technology END COLLATE "C" DESC,
    CASE WHEN :sort_by::text = 'target_technology' AND NOT :descending::boolean THEN s.target_technology END COLLATE "C" ASC,
    CASE WHEN :sort_by::text = 'target_technology' AND :descending::boolean THEN s.target_technology END COLLATE "C" DESC,
    CASE WHEN :sort_by::text = 'owner_id' AND NOT :descending::boolean THEN s.owner_id END ASC,
    CASE WHEN :sort_by::text = 'owner_id' AND :descending::boolean THEN s.owner_id END DESC,
    CASE WHEN NOT :descending::boolean THEN s.id END ASC,
    CASE WHEN :descending::boolean THEN s.id END DESC
LIMIT :page_size::int
OFFSET :page_offset::int;

-- name: count_sessions_search(statuses, source_technology, target_technology, created_from, created_to, owner_id, visible_to)$
-- How many live sessions match the filters of list_sessions_search (the same WHERE clause).
-- @param statuses: list[str] | None
-- @param source_technology: str | None
-- @param target_technology: str | None
-- @param created_from: datetime | None
-- @param created_to: datetime | None
-- @param owner_id: UUID | None
-- @param visible_to: UUID | None
SELECT count(*)::int
FROM validation.validation_sessions AS s
WHERE s.deleted_at IS NULL
    AND (:statuses::text[] IS NULL OR s.status = ANY(:statuses::text[]))
    AND (:source_technology::text IS NULL OR s.source_technology = :source_technology::text)
    AND (:target_technology::text IS NULL OR s.target_technology = :target_technology::text)
    AND (:created_from::timestamptz IS NULL OR s.created_at >= :created_from::timestamptz)
    AND (:created_to::timestamptz IS NULL OR s.created_at < :created_to::timestamptz)
    AND (:owner_id::uuid IS NULL OR s.owner_id = :owner_id::uuid)
    AND (
        :visible_to::uuid IS NULL
        OR s.owner_id = :visible_to::uuid
        OR EXISTS (
            SELECT 1
            FROM validation.session_shares AS sh
            WHERE sh.session_id = s.id
                AND sh.grantee_id = :visible_to::uuid
        )
    );

-- name: list_sessions_by_request_data(contains, before_created_at, before_id, max_rows)
-- A page of the live sessions whose request_data contains the given JSON object (jsonb @>: every
-- key/value of contains is in request_data, nested objects and array elements included), newest
-- first; keyset: pass the last row's created_at and id (both none for the first page). Served by
-- the GIN index validation_sessions_request_data_idx. Row-level security limits validation_app to
-- the sessions its user owns or was shared.
-- @model Session
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at
FROM validation.validation_sessions
WHERE request_data @> :contains::jsonb
    AND deleted_at IS NULL
    AND (created_at, id) < ((SELECT coalesce(:before_created_at::timestamptz, 'infinity')), (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff')))
ORDER BY created_at DESC, id DESC
LIMIT :max_rows::int;

-- name: list_sessions_by_user_context(contains, before_created_at, before_id, max_rows)
-- As list_sessions_by_request_data, on user_context (the caller's context), served by the GIN
-- index validation_sessions_user_context_idx.
-- @model Session
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, request_id, owner_id, status, source_technology, target_technology, scope, request_data, response_data, user_context, error_message, started_at, finished_at, created_at, updated_at
FROM validation.validation_sessions
WHERE user_context @> :contains::jsonb
    AND deleted_at IS NULL
    AND (created_at, id) < ((SELECT coalesce(:before_created_at::timestamptz, 'infinity')), (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff')))
ORDER BY created_at DESC, id DESC
LIMIT :max_rows::int;
