-- Undo 0003.export_readiness.create-certification-progress.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE export_readiness.certification_progress;
