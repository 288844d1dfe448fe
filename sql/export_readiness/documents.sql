-- name: create_generated_document(user_id, report_id, document_type, content, encryption_key)^
-- Stores a document generated for the user's report, its content (a JSON object) encrypted with
-- encryption_key; returns it with the content decrypted and validation pending.
-- @nonnull content
-- @sensitive content
INSERT INTO export_readiness.generated_documents (user_id, report_id, document_type, content_encrypted, content_key_id)
VALUES (:user_id, :report_id, :document_type, export_readiness.encrypt(:content::jsonb::text, :encryption_key::text), export_readiness.current_key_id(:encryption_key::text))
RETURNING id, user_id, report_id, document_type, export_readiness.decrypt(content_encrypted, content_key_id, :encryption_key::text)::jsonb AS content, validation_status, validation_results, validated_at, created_at, updated_at;

-- name: get_generated_document(document_id, user_id, encryption_key)^
-- The user's document with its content decrypted, or none. A wrong key raises an error.
-- @nonnull content
SELECT id, user_id, report_id, document_type, export_readiness.decrypt(content_encrypted, content_key_id, :encryption_key::text)::jsonb AS content, validation_status, validation_results, validated_at, created_at, updated_at
FROM export_readiness.generated_documents
WHERE id = :document_id
    AND user_id = :user_id;

-- name: list_generated_documents_by_report(report_id, user_id)
-- The documents generated for the user's report with their validation results (not their
-- content), newest first.
-- @model DocumentSummary
SELECT id, user_id, report_id, document_type, validation_status, validation_results, validated_at, created_at, updated_at
FROM export_readiness.generated_documents
WHERE report_id = :report_id
    AND user_id = :user_id
ORDER BY created_at DESC, id;

-- name: update_document_validation(document_id, user_id, validation_status, validation_results)^
-- Records the result of validating the user's document (passed or failed, with its findings);
-- returns the document without its content, or none.
-- @model DocumentSummary
UPDATE export_readiness.generated_documents
SET validation_status = :validation_status,
    validation_results = :validation_results,
    validated_at = CASE WHEN :validation_status::text = 'pending' THEN NULL ELSE now() END
WHERE id = :document_id
    AND user_id = :user_id
RETURNING id, user_id, report_id, document_type, validation_status, validation_results, validated_at, created_at, updated_at;

-- name: delete_generated_document(document_id, user_id)!
-- Deletes the user's document; returns the number deleted (0 or 1).
DELETE FROM export_readiness.generated_documents
WHERE id = :document_id
    AND user_id = :user_id;
