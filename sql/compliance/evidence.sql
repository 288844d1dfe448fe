-- name: create_evidence_item(user_id, business_profile_id, framework_id, evidence_name, description, control_reference, priority, ai_metadata)^
-- Records an evidence item (not started, no file yet) for one of the user's business profiles; returns it.
-- @param description: str | None
-- @param control_reference: str | None
INSERT INTO compliance.evidence_items (user_id, business_profile_id, framework_id, evidence_name, description, control_reference, priority, ai_metadata)
VALUES (:user_id, :business_profile_id, :framework_id, :evidence_name, :description, :control_reference, :priority, :ai_metadata)
RETURNING id, user_id, business_profile_id, framework_id, evidence_name, description, control_reference, file_path, file_type, file_size, status, priority, approved_at, approved_by, ai_metadata, created_at, updated_at;

-- name: get_evidence_item_by_id(evidence_item_id, user_id)^
-- The user's evidence item, or none.
SELECT id, user_id, business_profile_id, framework_id, evidence_name, description, control_reference, file_path, file_type, file_size, status, priority, approved_at, approved_by, ai_metadata, created_at, updated_at
FROM compliance.evidence_items
WHERE id = :evidence_item_id
    AND user_id = :user_id;

-- name: update_evidence_file(evidence_item_id, user_id, file_path, file_type, file_size)^
-- Attaches the uploaded file to the user's evidence item and marks it collected; returns it, or none.
UPDATE compliance.evidence_items
SET file_path = :file_path,
    file_type = :file_type,
    file_size = :file_size,
    status = 'collected',
    approved_at = NULL,
    approved_by = NULL
WHERE id = :evidence_item_id
    AND user_id = :user_id
RETURNING id, user_id, business_profile_id, framework_id, evidence_name, description, control_reference, file_path, file_type, file_size, status, priority, approved_at, approved_by, ai_metadata, created_at, updated_at;

-- name: update_evidence_status(evidence_item_id, user_id, status, reviewer_id)^
-- Moves the user's evidence item to status. Approving records now and reviewer_id as approved_at
-- and approved_by (approving without a reviewer is refused by the approval constraint); any other
-- status clears them. Returns the item, or none.
-- @param reviewer_id: UUID | None
UPDATE compliance.evidence_items
SET status = :status,
    approved_at = CASE WHEN :status = 'approved' THEN now() END,
    approved_by = CASE WHEN :status = 'approved' THEN :reviewer_id::uuid END
WHERE id = :evidence_item_id
    AND user_id = :user_id
RETURNING id, user_id, business_profile_id, framework_id, evidence_name, description, control_reference, file_path, file_type, file_size, status, priority, approved_at, approved_by, ai_metadata, created_at, updated_at;

-- name: list_evidence_by_name(user_id, statuses, name_contains, before_created_at, before_id, max_rows)
-- A page of the user's evidence items in one of statuses whose name contains name_contains
-- (case-insensitive substring; % and _ match themselves; the trigram index serves it from three
-- characters up), newest first. For the next page pass the last row's created_at and id as
-- before_created_at and before_id (both none for the first page).
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, user_id, business_profile_id, framework_id, evidence_name, description, control_reference, file_path, file_type, file_size, status, priority, approved_at, approved_by, ai_metadata, created_at, updated_at
FROM compliance.evidence_items
WHERE user_id = :user_id
    AND status = ANY(:statuses::text[])
    AND evidence_name ILIKE '%' || replace(replace(replace(:name_contains::text, '\', '\\'), '%', '\%'), '_', '\_') || '%'
    AND (created_at, id) < (
        (SELECT coalesce(:before_created_at::timestamptz, 'infinity')),
        (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
    )
ORDER BY created_at DESC, id DESC
LIMIT :max_rows::int;

-- name: list_evidence_by_text(user_id, statuses, search_text, before_created_at, before_id, max_rows)
-- A page of the user's evidence items in one of statuses that match search_text (English full-text
-- search over name, control reference and description; web-search syntax: words, "phrases", or,
-- -not), newest first. Keyset pages as in list_evidence_by_name.
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, user_id, business_profile_id, framework_id, evidence_name, description, control_reference, file_path, file_type, file_size, status, priority, approved_at, approved_by, ai_metadata, created_at, updated_at
FROM compliance.evidence_items
WHERE user_id = :user_id
    AND status = ANY(:statuses::text[])
    AND search_vector @@ websearch_to_tsquery('english', :search_text::text)
    AND (created_at, id) < (
        (SELECT coalesce(:before_created_at::timestamptz, 'infinity')),
        (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
    )
ORDER BY created_at DESC, id DESC
LIMIT :max_rows::int;

-- name: list_evidence_by_ai_metadata(user_id, metadata, max_rows)
-- The user's evidence items whose ai_metadata contains the given JSON object (jsonb @>), newest first.
SELECT id, user_id, business_profile_id, framework_id, evidence_name, description, control_reference, file_path, file_type, file_size, status, priority, approved_at, approved_by, ai_metadata, created_at, updated_at
FROM compliance.evidence_items
WHERE user_id = :user_id
    AND ai_metadata @> :metadata::jsonb
ORDER BY created_at DESC, id DESC
LIMIT :max_rows::int;

-- name: list_compliance_overview(user_id)
-- Per framework the user has evidence for: the number of evidence items, how many are approved,
-- and the approved share in percent; by framework code.
-- @nonnull framework_id, framework_code, framework_name, total_items, approved_count, approved_percentage
SELECT
    f.id AS framework_id,
    f.code AS framework_code,
    f.name AS framework_name,
    e.total_items,
    e.approved_count,
    round(100.0 * e.approved_count / e.total_items, 2)::numeric(5, 2) AS approved_percentage
FROM (
    SELECT
        framework_id,
        count(*) AS total_items,
        count(*) FILTER (WHERE status = 'approved') AS approved_count
    FROM compliance.evidence_items
    WHERE user_id = :user_id
    GROUP BY framework_id
) AS e
JOIN compliance.compliance_frameworks AS f
    ON f.id = e.framework_id
ORDER BY f.code;

-- name: delete_evidence_item(evidence_item_id, user_id)!
-- Deletes the user's evidence item (the file in external storage is the caller's to remove; the
-- audit trail keeps the deleted row); returns 0 or 1.
DELETE FROM compliance.evidence_items
WHERE id = :evidence_item_id
    AND user_id = :user_id;

-- name: list_evidence_items_by_profile(business_profile_id, user_id)
-- The evidence items of the user's business profile, newest first (see
-- list_assessment_sessions_by_profile).
SELECT id, user_id, business_profile_id, framework_id, evidence_name, description, control_reference, file_path, file_type, file_size, status, priority, approved_at, approved_by, ai_metadata, created_at, updated_at
FROM compliance.evidence_items
WHERE business_profile_id = :business_profile_id
    AND user_id = :user_id
ORDER BY created_at DESC, id DESC;
