-- Undo 0009.export_readiness.create-logistics-analysis.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE export_readiness.logistics_analysis;
