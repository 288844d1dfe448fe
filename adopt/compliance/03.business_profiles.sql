-- Legacy business profiles -> compliance.business_profiles: the six truncated columns take their
-- full names (handles_persona -> handles_personal_data, ...). The old booleans allowed null
-- ("not answered"); the new ones are NOT NULL DEFAULT false, and null converts to false.
-- legacy: business_profiles
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.user_id IS NULL
            THEN 'no user (business_profiles_user_id_fkey)'
        WHEN length(btrim(coalesce(l.company_name, ''))) NOT BETWEEN 1 AND 255
            THEN 'company name empty or longer than 255 (business_profiles_company_name_check)'
        WHEN length(btrim(l.industry)) NOT BETWEEN 1 AND 100
            THEN 'industry empty or longer than 100 (business_profiles_industry_check)'
        WHEN l.employee_count <= 0
            THEN 'employee count not positive (business_profiles_employee_count_check)'
        WHEN coalesce(l.data_sensitivity, 'Medium') NOT IN ('Low', 'Medium', 'High', 'Critical')
            THEN 'data sensitivity outside Low, Medium, High, Critical (business_profiles_data_sensitivity_check)'
        WHEN ru.legacy_key IS NOT NULL
            THEN 'its user is quarantined'
    END AS reason
FROM __legacy__.business_profiles AS l
LEFT JOIN pg_temp.adopt_refused_users AS ru ON ru.legacy_key = l.user_id::text
-- name: convert
INSERT INTO compliance.business_profiles (
    id, user_id, company_name, industry, employee_count, handles_personal_data,
    processes_payments, stores_health_data, provides_financial_services,
    operates_critical_infrastructure, has_international_operations, data_sensitivity,
    created_at, updated_at
)
SELECT
    l.id,
    l.user_id,
    btrim(l.company_name),
    btrim(l.industry),
    l.employee_count,
    coalesce(l.handles_persona, false),
    coalesce(l.processes_payme, false),
    coalesce(l.stores_health_d, false),
    coalesce(l.provides_financ, false),
    coalesce(l.operates_critic, false),
    coalesce(l.has_internation, false),
    coalesce(l.data_sensitivity, 'Medium'),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.business_profiles AS l
WHERE NOT EXISTS (
    SELECT FROM pg_temp.adopt_refused_business_profiles AS r WHERE r.legacy_key = l.id::text
)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.business_profiles AS l
WHERE EXISTS (SELECT FROM compliance.business_profiles AS n WHERE n.id = l.id);
