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
