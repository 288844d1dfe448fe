-- Undo 0005.compliance_in_place.validate-checks-and-foreign-keys: a validated constraint cannot
-- be marked not valid again, so each is dropped and added back NOT VALID with its comment, as
-- step 2 left it.

SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE public.generated_policies
    DROP CONSTRAINT generated_policies_business_profile_id_fkey,
    ADD CONSTRAINT generated_policies_business_profile_id_fkey FOREIGN KEY (business_profile_id)
        REFERENCES public.business_profiles (id) ON DELETE CASCADE NOT VALID;
COMMENT ON CONSTRAINT generated_policies_business_profile_id_fkey ON public.generated_policies IS 'business_profile_id must be an existing business profile';

ALTER TABLE public.assessment_sessions
    DROP CONSTRAINT assessment_sessions_business_profile_id_fkey,
    ADD CONSTRAINT assessment_sessions_business_profile_id_fkey FOREIGN KEY (business_profile_id)
        REFERENCES public.business_profiles (id) ON DELETE CASCADE NOT VALID;
COMMENT ON CONSTRAINT assessment_sessions_business_profile_id_fkey ON public.assessment_sessions IS 'business_profile_id must be an existing business profile';

ALTER TABLE public.business_profiles
    DROP CONSTRAINT business_profiles_data_sensitivity_check,
    DROP CONSTRAINT business_profiles_employee_count_check,
    ADD CONSTRAINT business_profiles_employee_count_check CHECK (employee_count > 0) NOT VALID,
    ADD CONSTRAINT business_profiles_data_sensitivity_check
        CHECK (data_sensitivity IN ('Low', 'Medium', 'High', 'Critical')) NOT VALID;
COMMENT ON CONSTRAINT business_profiles_employee_count_check ON public.business_profiles IS 'employee_count must be greater than zero';
COMMENT ON CONSTRAINT business_profiles_data_sensitivity_check ON public.business_profiles IS 'data_sensitivity must be Low, Medium, High or Critical';

ALTER TABLE public.evidence_items
    DROP CONSTRAINT evidence_items_approval_check,
    DROP CONSTRAINT evidence_items_status_check,
    ADD CONSTRAINT evidence_items_status_check
        CHECK (status IN ('not_started', 'in_progress', 'collected', 'approved', 'rejected')) NOT VALID,
    ADD CONSTRAINT evidence_items_approval_check
        CHECK (status IS DISTINCT FROM 'approved' OR (approved_at IS NOT NULL AND approved_by IS NOT NULL)) NOT VALID;
COMMENT ON CONSTRAINT evidence_items_status_check ON public.evidence_items IS 'status must be not_started, in_progress, collected, approved or rejected';
COMMENT ON CONSTRAINT evidence_items_approval_check ON public.evidence_items IS 'approved evidence must have approved_at and approved_by';
