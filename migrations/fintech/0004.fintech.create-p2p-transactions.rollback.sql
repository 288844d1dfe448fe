-- Undo 0004.fintech.create-p2p-transactions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE fintech.p2p_transactions;
