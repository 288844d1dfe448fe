-- Undo 0002.compliance.create-compliance-frameworks.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.compliance_frameworks;
