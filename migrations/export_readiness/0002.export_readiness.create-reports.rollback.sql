-- Undo 0002.export_readiness.create-reports.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE export_readiness.reports;
