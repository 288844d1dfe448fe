-- Undo 0005.validation.create-discrepancies.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE validation.discrepancies;
