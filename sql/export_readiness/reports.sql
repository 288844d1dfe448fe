-- name: create_report(user_id, product_name, product_description, ingredients, product_image_url, destination_country, monthly_volume)^
-- Requests a report (status pending) for the user's product and destination, written for the
-- user's current business type and company size; returns it, or none unless user_id is the acting
-- user (row-level security hides every other user).
-- @param product_description: str | None
-- @param ingredients: str | None
-- @param product_image_url: str | None
-- @param monthly_volume: int | None
INSERT INTO export_readiness.reports (user_id, product_name, product_description, ingredients, product_image_url, destination_country, business_type, company_size, monthly_volume)
SELECT u.id, :product_name, :product_description, :ingredients, :product_image_url, :destination_country, u.business_type, u.company_size, :monthly_volume
FROM export_readiness.users AS u
WHERE u.id = :user_id
RETURNING id, user_id, product_name, product_description, ingredients, product_image_url, hs_code, hs_code_confidence, destination_country, business_type, company_size, monthly_volume, risk_score, status, report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at;

-- name: get_report_by_id(report_id, user_id)^
-- The user's report, or none.
SELECT id, user_id, product_name, product_description, ingredients, product_image_url, hs_code, hs_code_confidence, destination_country, business_type, company_size, monthly_volume, risk_score, status, report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at
FROM export_readiness.reports
WHERE id = :report_id
    AND user_id = :user_id;

-- name: list_reports_by_user(user_id, before_created_at, before_id, max_rows)
-- A page of the user's reports, newest first. For the next page pass the last row's created_at
-- and id as before_created_at and before_id (both none for the first page).
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, user_id, product_name, product_description, ingredients, product_image_url, hs_code, hs_code_confidence, destination_country, business_type, company_size, monthly_volume, risk_score, status, report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at
FROM export_readiness.reports
WHERE user_id = :user_id
    AND created_at <= (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
    AND (
        created_at < (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
        OR id > (SELECT coalesce(:before_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY created_at DESC, id
LIMIT :max_rows::int;

-- name: list_reports_by_hs_code(hs_code_prefix, before_created_at, before_id, max_rows)
-- A page of completed reports whose HS code starts with hs_code_prefix (a chapter such as 09, a
-- heading such as 0910, or a full code), newest first; keyset as list_reports_by_user. Across all
-- users for reporting (export_readiness_readonly); as the service, the acting user's reports only
-- (row-level security).
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, user_id, product_name, product_description, ingredients, product_image_url, hs_code, hs_code_confidence, destination_country, business_type, company_size, monthly_volume, risk_score, status, report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at
FROM export_readiness.reports
WHERE hs_code LIKE :hs_code_prefix::text || '%'
    AND status = 'completed'
    AND created_at <= (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
    AND (
        created_at < (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
        OR id > (SELECT coalesce(:before_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY created_at DESC, id
LIMIT :max_rows::int;

-- name: list_reports_by_destination_country(destination_country, before_created_at, before_id, max_rows)
-- A page of completed reports for one destination country, newest first; keyset as
-- list_reports_by_user. Across all users for reporting (export_readiness_readonly); as the
-- service, the acting user's reports only (row-level security).
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, user_id, product_name, product_description, ingredients, product_image_url, hs_code, hs_code_confidence, destination_country, business_type, company_size, monthly_volume, risk_score, status, report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at
FROM export_readiness.reports
WHERE destination_country = :destination_country
    AND status = 'completed'
    AND created_at <= (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
    AND (
        created_at < (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
        OR id > (SELECT coalesce(:before_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY created_at DESC, id
LIMIT :max_rows::int;

-- name: list_reports_requiring_certification(user_id, certification_id)
-- The user's completed reports whose report data lists this certification among those required
-- (report_data contains certifications with this id; served by the GIN index), newest first.
SELECT id, user_id, product_name, product_description, ingredients, product_image_url, hs_code, hs_code_confidence, destination_country, business_type, company_size, monthly_volume, risk_score, status, report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at
FROM export_readiness.reports
WHERE user_id = :user_id
    AND report_data @> jsonb_build_object('certifications', jsonb_build_array(jsonb_build_object('id', :certification_id::text)))
ORDER BY created_at DESC, id;

-- name: list_destination_country_stats()
-- Completed reports per destination country: how many, and their average and highest risk score;
-- most reports first. Across all users for reporting (export_readiness_readonly); as the service,
-- over the acting user's reports only (row-level security).
-- @nonnull destination_country, reports, average_risk_score, max_risk_score
SELECT
    destination_country,
    count(*) AS reports,
    round(avg(risk_score), 1) AS average_risk_score,
    max(risk_score) AS max_risk_score
FROM export_readiness.reports
WHERE status = 'completed'
GROUP BY destination_country
ORDER BY count(*) DESC, destination_country;

-- name: update_report_processing(report_id)^
-- Marks the acting user's pending report as being generated; returns it, or none if it is not
-- pending or not the acting user's.
UPDATE export_readiness.reports
SET status = 'processing'
WHERE id = :report_id
    AND status = 'pending'
RETURNING id, user_id, product_name, product_description, ingredients, product_image_url, hs_code, hs_code_confidence, destination_country, business_type, company_size, monthly_volume, risk_score, status, report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at;

-- name: update_report_completed(report_id, hs_code, hs_code_confidence, risk_score, report_data, estimated_cost, estimated_timeline_days)^
-- Stores the generated report (HS code, risk score, report data, cost and timeline) of a pending
-- or processing report of the acting user and marks it completed; returns it, or none if it was
-- not in progress or is not the acting user's.
-- @param hs_code_confidence: Decimal | None
-- @param estimated_cost: Decimal | None
-- @param estimated_timeline_days: int | None
UPDATE export_readiness.reports
SET status = 'completed',
    hs_code = :hs_code,
    hs_code_confidence = :hs_code_confidence,
    risk_score = :risk_score,
    report_data = :report_data,
    estimated_cost = :estimated_cost,
    estimated_timeline_days = :estimated_timeline_days
WHERE id = :report_id
    AND status IN ('pending', 'processing')
RETURNING id, user_id, product_name, product_description, ingredients, product_image_url, hs_code, hs_code_confidence, destination_country, business_type, company_size, monthly_volume, risk_score, status, report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at;

-- name: update_report_failed(report_id, failure_reason)^
-- Marks the acting user's pending or processing report failed with the reason; returns it, or
-- none.
UPDATE export_readiness.reports
SET status = 'failed',
    failure_reason = :failure_reason
WHERE id = :report_id
    AND status IN ('pending', 'processing')
RETURNING id, user_id, product_name, product_description, ingredients, product_image_url, hs_code, hs_code_confidence, destination_country, business_type, company_size, monthly_volume, risk_score, status, report_data, estimated_cost, estimated_timeline_days, failure_reason, created_at, updated_at;

-- name: delete_report(report_id, user_id)$
-- Deletes the user's report (soft delete: from now on its certification progress, documents,
-- action plan, chat sessions and messages and analyses are invisible with it; restorable with
-- update_report_restored for 30 days, then purged); returns the number of reports deleted (0 or 1).
-- Runs the definer function export_readiness.soft_delete_report, for the acting user only.
-- @nonnull deleted
SELECT export_readiness.soft_delete_report(:report_id, :user_id) AS deleted;

-- name: update_report_restored(report_id, user_id)$
-- Restores a deleted report of the acting user (whose account is live) with everything that
-- belongs to it, within 30 days of the deletion; returns 1, or 0 when there is no such deleted
-- report. Raises RuleViolation (DL501) after the retention window.
-- @nonnull restored
SELECT export_readiness.restore_report(:report_id, :user_id) AS restored;
