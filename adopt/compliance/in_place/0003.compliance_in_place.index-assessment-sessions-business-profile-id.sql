-- ruleIQ in place, step 3: the new foreign key's referencing column gets its index, built
-- without blocking writes.
-- depends: 0002.compliance_in_place.add-checks-and-foreign-keys
-- transactional: false
-- squawk-disable-assume-in-transaction
-- A non-transactional file may not SET (it would outlive it): the runner's session timeouts apply.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

CREATE INDEX CONCURRENTLY IF NOT EXISTS assessment_sessions_business_profile_id_idx
    ON public.assessment_sessions (business_profile_id);
