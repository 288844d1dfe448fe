-- Undo 0007.validation.create-validation-metrics.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION validation.refresh_validation_metrics(date, date);

DROP TABLE validation.validation_metrics;
