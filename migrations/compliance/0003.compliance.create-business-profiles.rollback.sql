-- Undo 0003.compliance.create-business-profiles.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.business_profiles;
