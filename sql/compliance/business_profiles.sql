-- name: create_business_profile(user_id, company_name, industry, employee_count, handles_personal_data, processes_payments, stores_health_data, provides_financial_services, operates_critical_infrastructure, has_international_operations, data_sensitivity)^
-- Creates a business profile for the user; returns it.
-- @param industry: str | None
-- @param employee_count: int | None
INSERT INTO compliance.business_profiles (
    user_id, company_name, industry, employee_count,
    handles_personal_data, processes_payments, stores_health_data, provides_financial_services,
    operates_critical_infrastructure, has_international_operations, data_sensitivity
)
VALUES (
    :user_id, :company_name, :industry, :employee_count,
    :handles_personal_data, :processes_payments, :stores_health_data, :provides_financial_services,
    :operates_critical_infrastructure, :has_international_operations, :data_sensitivity
)
RETURNING id, user_id, company_name, industry, employee_count, handles_personal_data, processes_payments, stores_health_data, provides_financial_services, operates_critical_infrastructure, has_international_operations, data_sensitivity, created_at, updated_at;

-- name: get_business_profile_by_id(business_profile_id, user_id)^
-- The business profile, if it belongs to this user; none otherwise.
SELECT id, user_id, company_name, industry, employee_count, handles_personal_data, processes_payments, stores_health_data, provides_financial_services, operates_critical_infrastructure, has_international_operations, data_sensitivity, created_at, updated_at
FROM compliance.business_profiles
WHERE id = :business_profile_id
    AND user_id = :user_id;

-- name: list_business_profiles_by_user(user_id)
-- The user's business profiles, oldest first.
SELECT id, user_id, company_name, industry, employee_count, handles_personal_data, processes_payments, stores_health_data, provides_financial_services, operates_critical_infrastructure, has_international_operations, data_sensitivity, created_at, updated_at
FROM compliance.business_profiles
WHERE user_id = :user_id
ORDER BY created_at, id;

-- name: update_business_profile(business_profile_id, user_id, company_name, industry, employee_count, handles_personal_data, processes_payments, stores_health_data, provides_financial_services, operates_critical_infrastructure, has_international_operations, data_sensitivity)^
-- Replaces the user's business profile details; returns the profile, or none if the user has no such profile.
-- @param industry: str | None
-- @param employee_count: int | None
UPDATE compliance.business_profiles
SET company_name = :company_name,
    industry = :industry,
    employee_count = :employee_count,
    handles_personal_data = :handles_personal_data,
    processes_payments = :processes_payments,
    stores_health_data = :stores_health_data,
    provides_financial_services = :provides_financial_services,
    operates_critical_infrastructure = :operates_critical_infrastructure,
    has_international_operations = :has_international_operations,
    data_sensitivity = :data_sensitivity
WHERE id = :business_profile_id
    AND user_id = :user_id
RETURNING id, user_id, company_name, industry, employee_count, handles_personal_data, processes_payments, stores_health_data, provides_financial_services, operates_critical_infrastructure, has_international_operations, data_sensitivity, created_at, updated_at;

-- name: delete_business_profile(business_profile_id, user_id)!
-- Deletes the user's business profile with its assessments, evidence, policies, plans, readiness
-- assessments and report schedules (conversations about it are kept); returns 0 or 1.
DELETE FROM compliance.business_profiles
WHERE id = :business_profile_id
    AND user_id = :user_id;

-- name: get_business_profile_with_activity(business_profile_id, user_id)^
-- The user's business profile with its assessment sessions (oldest first) and evidence items
-- (newest first) nested as JSON arrays, in one statement (what the seed loaded eagerly); none if
-- the profile is not the user's. Each array is built by one index scan on business_profile_id.
-- @model BusinessProfileWithActivity
-- @type assessment_sessions: datalayer.compliance.shapes:ProfileAssessmentSessions
-- @type evidence_items: datalayer.compliance.shapes:ProfileEvidenceItems
-- @nonnull assessment_sessions, evidence_items
SELECT
    bp.id,
    bp.user_id,
    bp.company_name,
    bp.industry,
    bp.employee_count,
    bp.handles_personal_data,
    bp.processes_payments,
    bp.stores_health_data,
    bp.provides_financial_services,
    bp.operates_critical_infrastructure,
    bp.has_international_operations,
    bp.data_sensitivity,
    bp.created_at,
    bp.updated_at,
    coalesce((
        SELECT jsonb_agg(jsonb_build_object(
            'id', a.id,
            'framework_id', a.framework_id,
            'session_name', a.session_name,
            'status', a.status,
            'questions_answered', a.questions_answered,
            'progress_percentage', a.progress_percentage,
            'completed_at', a.completed_at,
            'created_at', a.created_at,
            'updated_at', a.updated_at
        ) ORDER BY a.created_at, a.id)
        FROM compliance.assessment_sessions AS a
        WHERE a.business_profile_id = bp.id
            AND a.user_id = bp.user_id
    ), '[]'::jsonb) AS assessment_sessions,
    coalesce((
        SELECT jsonb_agg(jsonb_build_object(
            'id', e.id,
            'framework_id', e.framework_id,
            'evidence_name', e.evidence_name,
            'description', e.description,
            'control_reference', e.control_reference,
            'file_path', e.file_path,
            'file_type', e.file_type,
            'file_size', e.file_size,
            'status', e.status,
            'priority', e.priority,
            'approved_at', e.approved_at,
            'approved_by', e.approved_by,
            'ai_metadata', e.ai_metadata,
            'created_at', e.created_at,
            'updated_at', e.updated_at
        ) ORDER BY e.created_at DESC, e.id DESC)
        FROM compliance.evidence_items AS e
        WHERE e.business_profile_id = bp.id
            AND e.user_id = bp.user_id
    ), '[]'::jsonb) AS evidence_items
FROM compliance.business_profiles AS bp
WHERE bp.id = :business_profile_id
    AND bp.user_id = :user_id;
