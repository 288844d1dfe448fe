-- Undo 0001.compliance_in_place.rename-truncated-columns: the old (truncated) names again.

SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE public.generated_policies RENAME COLUMN business_profile_id TO business_profil;
ALTER TABLE public.assessment_sessions RENAME COLUMN questions_answered TO questions_answe;
ALTER TABLE public.assessment_sessions RENAME COLUMN business_profile_id TO business_profil;
ALTER TABLE public.business_profiles RENAME COLUMN has_international_operations TO has_internation;
ALTER TABLE public.business_profiles RENAME COLUMN operates_critical_infrastructure TO operates_critic;
ALTER TABLE public.business_profiles RENAME COLUMN provides_financial_services TO provides_financ;
ALTER TABLE public.business_profiles RENAME COLUMN stores_health_data TO stores_health_d;
ALTER TABLE public.business_profiles RENAME COLUMN processes_payments TO processes_payme;
ALTER TABLE public.business_profiles RENAME COLUMN handles_personal_data TO handles_persona;
