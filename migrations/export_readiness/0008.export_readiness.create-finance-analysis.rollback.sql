-- Undo 0008.export_readiness.create-finance-analysis.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE export_readiness.finance_analysis;
