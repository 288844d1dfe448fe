-- Undo 0007.compliance.create-generated-policies.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.generated_policies;
