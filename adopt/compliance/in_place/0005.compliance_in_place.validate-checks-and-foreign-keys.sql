-- ruleIQ in place, step 5: the existing rows are checked against step 2's constraints (a SHARE
-- UPDATE EXCLUSIVE lock: reads and writes go on). A row that breaks one stops this step with the
-- constraint's name; fix or remove such rows (`datalayer adopt --app compliance` lists them in
-- its dry run, before step 1) and migrate again.
-- depends: 0004.compliance_in_place.index-generated-policies-business-profile-id

SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '15min';

ALTER TABLE public.evidence_items VALIDATE CONSTRAINT evidence_items_status_check;
ALTER TABLE public.evidence_items VALIDATE CONSTRAINT evidence_items_approval_check;
ALTER TABLE public.business_profiles VALIDATE CONSTRAINT business_profiles_employee_count_check;
ALTER TABLE public.business_profiles VALIDATE CONSTRAINT business_profiles_data_sensitivity_check;
ALTER TABLE public.assessment_sessions VALIDATE CONSTRAINT assessment_sessions_business_profile_id_fkey;
ALTER TABLE public.generated_policies VALIDATE CONSTRAINT generated_policies_business_profile_id_fkey;
