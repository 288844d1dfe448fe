-- Undo 0007.fintech.create-investments.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE fintech.investments;
