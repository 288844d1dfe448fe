-- Undo 0004.compliance.create-assessment-sessions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.assessment_sessions;
