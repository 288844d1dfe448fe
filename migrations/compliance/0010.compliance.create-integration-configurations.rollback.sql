-- Undo 0010.compliance.create-integration-configurations.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.integration_configurations;
