-- Undo 0002.fintech.create-accounts.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE fintech.accounts;

DROP FUNCTION fintech.tg__require_posting();
