-- name: create_certification_progress(user_id, report_id, certification_id, certification_name, estimated_cost)^
-- Starts tracking a certification a report of the user requires (status not_started); returns it.
-- @param estimated_cost: Decimal | None
INSERT INTO export_readiness.certification_progress (user_id, report_id, certification_id, certification_name, estimated_cost)
VALUES (:user_id, :report_id, :certification_id, :certification_name, :estimated_cost)
RETURNING id, user_id, report_id, certification_id, certification_name, status, documents_completed, notes, estimated_cost, started_at, completed_at, created_at, updated_at;

-- name: list_certification_progress_by_report(report_id, user_id)
-- The certifications tracked for the user's report, by certification id.
SELECT id, user_id, report_id, certification_id, certification_name, status, documents_completed, notes, estimated_cost, started_at, completed_at, created_at, updated_at
FROM export_readiness.certification_progress
WHERE report_id = :report_id
    AND user_id = :user_id
ORDER BY certification_id;

-- name: update_certification_status(certification_progress_id, user_id, status, notes)^
-- Moves the user's certification to a status (started_at is set the first time work starts,
-- completed_at exactly while completed) with optional notes; returns it, or none.
-- @param notes: str | None
UPDATE export_readiness.certification_progress
SET status = :status,
    notes = coalesce(:notes, notes),
    started_at = CASE
        WHEN :status::text = 'not_started' THEN NULL
        ELSE coalesce(started_at, now())
    END,
    completed_at = CASE
        WHEN :status::text = 'completed' THEN coalesce(completed_at, now())
    END
WHERE id = :certification_progress_id
    AND user_id = :user_id
RETURNING id, user_id, report_id, certification_id, certification_name, status, documents_completed, notes, estimated_cost, started_at, completed_at, created_at, updated_at;

-- name: update_certification_document_completed(certification_progress_id, user_id, document_name)^
-- Adds a document name to the certification's completed documents (once); returns it, or none.
UPDATE export_readiness.certification_progress
SET documents_completed = CASE
        WHEN documents_completed @> jsonb_build_array(:document_name::text) THEN documents_completed
        ELSE documents_completed || jsonb_build_array(:document_name::text)
    END
WHERE id = :certification_progress_id
    AND user_id = :user_id
RETURNING id, user_id, report_id, certification_id, certification_name, status, documents_completed, notes, estimated_cost, started_at, completed_at, created_at, updated_at;
