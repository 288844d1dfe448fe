-- name: create_policy_version(user_id, business_profile_id, framework_id, policy_name, policy_type, content)^
-- Saves a new draft version of the named policy of one of the user's business profiles: version 1
-- for a new name, else the latest version + 1 (two concurrent saves of the same policy: one gets a
-- UniqueViolation and may retry). Returns it.
INSERT INTO compliance.generated_policies (user_id, business_profile_id, framework_id, policy_name, policy_type, version, content)
VALUES (
    :user_id,
    :business_profile_id,
    :framework_id,
    :policy_name,
    :policy_type,
    (
        SELECT coalesce(max(p.version), 0) + 1
        FROM compliance.generated_policies AS p
        WHERE p.business_profile_id = :business_profile_id
            AND p.policy_name = :policy_name
    ),
    :content
)
RETURNING id, user_id, business_profile_id, framework_id, policy_name, policy_type, version, status, content, approved_at, approved_by, created_at, updated_at;

-- name: get_policy_by_id(policy_id, user_id)^
-- The user's policy version with its content, or none.
SELECT id, user_id, business_profile_id, framework_id, policy_name, policy_type, version, status, content, approved_at, approved_by, created_at, updated_at
FROM compliance.generated_policies
WHERE id = :policy_id
    AND user_id = :user_id;

-- name: list_policy_versions(user_id, business_profile_id, policy_name)
-- Every version of the named policy of the user's business profile, newest version first, without
-- the content (get_policy_by_id reads one).
-- @nonnull content_length
SELECT id, business_profile_id, framework_id, policy_name, policy_type, version, status, approved_at, approved_by, length(content) AS content_length, created_at, updated_at
FROM compliance.generated_policies
WHERE user_id = :user_id
    AND business_profile_id = :business_profile_id
    AND policy_name = :policy_name
ORDER BY version DESC;

-- name: update_policy_status(policy_id, user_id, status, reviewer_id)^
-- Moves the user's policy version to status. Approving records now and reviewer_id as approved_at
-- and approved_by (approving without a reviewer is refused by the approval constraint); any other
-- status clears them. Returns it, or none.
-- @param reviewer_id: UUID | None
UPDATE compliance.generated_policies
SET status = :status,
    approved_at = CASE WHEN :status = 'approved' THEN now() END,
    approved_by = CASE WHEN :status = 'approved' THEN :reviewer_id::uuid END
WHERE id = :policy_id
    AND user_id = :user_id
RETURNING id, user_id, business_profile_id, framework_id, policy_name, policy_type, version, status, content, approved_at, approved_by, created_at, updated_at;

-- name: list_policies_by_text(user_id, search_text, max_rows)
-- The user's policy versions matching search_text (English full-text search over name and content;
-- web-search syntax), best match first, with a highlighted excerpt of the content.
-- @model PolicySearchResult
-- @nonnull rank, excerpt
SELECT
    id,
    business_profile_id,
    framework_id,
    policy_name,
    policy_type,
    version,
    status,
    ts_rank(search_vector, websearch_to_tsquery('english', :search_text::text))::float8 AS rank,
    ts_headline('english', content, websearch_to_tsquery('english', :search_text::text), 'MaxFragments=2, MaxWords=20, MinWords=5') AS excerpt,
    created_at
FROM compliance.generated_policies
WHERE user_id = :user_id
    AND search_vector @@ websearch_to_tsquery('english', :search_text::text)
ORDER BY rank DESC, created_at DESC, id DESC
LIMIT :max_rows::int;
