-- Undo 0005.logistics.create-decisions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE logistics.decisions;

DROP FUNCTION logistics.tg_decisions__protect_committed();
