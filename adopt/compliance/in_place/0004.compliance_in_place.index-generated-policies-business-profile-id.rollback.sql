-- Undo 0004.compliance_in_place.index-generated-policies-business-profile-id.
-- transactional: false

DROP INDEX CONCURRENTLY IF EXISTS public.generated_policies_business_profile_id_idx;
