-- ruleIQ in place, step 2: the constraints seed 001 lists as missing, added NOT VALID: new and
-- changed rows are checked from now on, existing rows only when step 5 validates them (without
-- blocking writes meanwhile). Names follow PostgreSQL's suffix style; each has its message.
-- depends: 0001.compliance_in_place.rename-truncated-columns

SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE public.evidence_items
    ADD CONSTRAINT evidence_items_status_check
        CHECK (status IN ('not_started', 'in_progress', 'collected', 'approved', 'rejected')) NOT VALID,
    ADD CONSTRAINT evidence_items_approval_check
        CHECK (status IS DISTINCT FROM 'approved' OR (approved_at IS NOT NULL AND approved_by IS NOT NULL)) NOT VALID;

COMMENT ON CONSTRAINT evidence_items_status_check ON public.evidence_items IS 'status must be not_started, in_progress, collected, approved or rejected';
COMMENT ON CONSTRAINT evidence_items_approval_check ON public.evidence_items IS 'approved evidence must have approved_at and approved_by';

ALTER TABLE public.business_profiles
    ADD CONSTRAINT business_profiles_employee_count_check CHECK (employee_count > 0) NOT VALID,
    ADD CONSTRAINT business_profiles_data_sensitivity_check
        CHECK (data_sensitivity IN ('Low', 'Medium', 'High', 'Critical')) NOT VALID;

COMMENT ON CONSTRAINT business_profiles_employee_count_check ON public.business_profiles IS 'employee_count must be greater than zero';
COMMENT ON CONSTRAINT business_profiles_data_sensitivity_check ON public.business_profiles IS 'data_sensitivity must be Low, Medium, High or Critical';

ALTER TABLE public.assessment_sessions
    ADD CONSTRAINT assessment_sessions_business_profile_id_fkey FOREIGN KEY (business_profile_id)
        REFERENCES public.business_profiles (id) ON DELETE CASCADE NOT VALID;

COMMENT ON CONSTRAINT assessment_sessions_business_profile_id_fkey ON public.assessment_sessions IS 'business_profile_id must be an existing business profile';

ALTER TABLE public.generated_policies
    ADD CONSTRAINT generated_policies_business_profile_id_fkey FOREIGN KEY (business_profile_id)
        REFERENCES public.business_profiles (id) ON DELETE CASCADE NOT VALID;

COMMENT ON CONSTRAINT generated_policies_business_profile_id_fkey ON public.generated_policies IS 'business_profile_id must be an existing business profile';
