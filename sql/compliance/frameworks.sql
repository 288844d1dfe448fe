-- name: create_framework(code, name, version, category, description)^
-- Adds a compliance framework (active); returns it.
-- @param version: str | None
-- @param category: str | None
-- @param description: str | None
INSERT INTO compliance.compliance_frameworks (code, name, version, category, description)
VALUES (:code, :name, :version, :category, :description)
RETURNING id, code, name, version, category, description, is_active, created_at, updated_at;

-- name: get_framework_by_code(code)^
-- The framework with this code, or none.
SELECT id, code, name, version, category, description, is_active, created_at, updated_at
FROM compliance.compliance_frameworks
WHERE code = :code;

-- name: list_frameworks_active()
-- The frameworks offered for new work, by code.
SELECT id, code, name, version, category, description, is_active, created_at, updated_at
FROM compliance.compliance_frameworks
WHERE is_active
ORDER BY code;

-- name: update_framework_active(code, is_active)^
-- Offers (is_active = true) or withdraws a framework; returns it, or none if there is no such code.
UPDATE compliance.compliance_frameworks
SET is_active = :is_active
WHERE code = :code
RETURNING id, code, name, version, category, description, is_active, created_at, updated_at;
