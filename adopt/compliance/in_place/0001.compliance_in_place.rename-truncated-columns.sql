-- ruleIQ in place, step 1: the truncated column names of the old schema (seed 001, "Required
-- Critical Migration") take their full names, in the tables where the old application keeps them
-- (schema public). A rename only changes the catalog: no rewrite, a brief ACCESS EXCLUSIVE lock.
-- For databases that keep running ruleIQ's own tables; `datalayer adopt --app compliance`
-- converts into the compliance schema instead. Renaming is the point of this step: the old
-- application's models must use the new names from the release that runs it.
-- squawk-ignore-file renaming-column

SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE public.business_profiles RENAME COLUMN handles_persona TO handles_personal_data;
ALTER TABLE public.business_profiles RENAME COLUMN processes_payme TO processes_payments;
ALTER TABLE public.business_profiles RENAME COLUMN stores_health_d TO stores_health_data;
ALTER TABLE public.business_profiles RENAME COLUMN provides_financ TO provides_financial_services;
ALTER TABLE public.business_profiles RENAME COLUMN operates_critic TO operates_critical_infrastructure;
ALTER TABLE public.business_profiles RENAME COLUMN has_internation TO has_international_operations;
ALTER TABLE public.assessment_sessions RENAME COLUMN business_profil TO business_profile_id;
ALTER TABLE public.assessment_sessions RENAME COLUMN questions_answe TO questions_answered;
ALTER TABLE public.generated_policies RENAME COLUMN business_profil TO business_profile_id;
