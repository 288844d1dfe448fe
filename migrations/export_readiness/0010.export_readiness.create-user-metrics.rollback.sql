-- Undo 0010.export_readiness.create-user-metrics.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE export_readiness.user_metrics;
