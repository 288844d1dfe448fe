-- Undo 0006.validation.create-behavioral-test-results.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE validation.behavioral_test_results;
