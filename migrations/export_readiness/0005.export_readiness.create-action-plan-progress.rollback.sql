-- Undo 0005.export_readiness.create-action-plan-progress.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE export_readiness.action_plan_progress;
