-- Undo 0002.compliance_in_place.add-checks-and-foreign-keys.

SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE public.generated_policies DROP CONSTRAINT generated_policies_business_profile_id_fkey;
ALTER TABLE public.assessment_sessions DROP CONSTRAINT assessment_sessions_business_profile_id_fkey;
ALTER TABLE public.business_profiles
    DROP CONSTRAINT business_profiles_data_sensitivity_check,
    DROP CONSTRAINT business_profiles_employee_count_check;
ALTER TABLE public.evidence_items
    DROP CONSTRAINT evidence_items_approval_check,
    DROP CONSTRAINT evidence_items_status_check;
