-- ruleIQ in place, step 4: the other new foreign key's index, built without blocking writes.
-- depends: 0003.compliance_in_place.index-assessment-sessions-business-profile-id
-- transactional: false
-- squawk-disable-assume-in-transaction
-- A non-transactional file may not SET (it would outlive it): the runner's session timeouts apply.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

CREATE INDEX CONCURRENTLY IF NOT EXISTS generated_policies_business_profile_id_idx
    ON public.generated_policies (business_profile_id);
