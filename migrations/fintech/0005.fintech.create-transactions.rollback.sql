-- Undo 0005.fintech.create-transactions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE fintech.transactions;

DROP FUNCTION fintech.tg_transactions__check_balanced();
