-- Undo 0004.validation.create-validation-results.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE validation.validation_results;
