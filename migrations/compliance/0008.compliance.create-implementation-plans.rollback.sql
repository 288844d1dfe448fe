-- Undo 0008.compliance.create-implementation-plans.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.implementation_plans;
