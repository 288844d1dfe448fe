-- Undo 0009.logistics.create-operational-outcomes.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE logistics.operational_outcomes;
