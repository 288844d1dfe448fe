-- Undo 0009.compliance.create-readiness-assessments.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.readiness_assessments;
