-- Undo 0003.compliance_in_place.index-assessment-sessions-business-profile-id.
-- transactional: false

DROP INDEX CONCURRENTLY IF EXISTS public.assessment_sessions_business_profile_id_idx;
