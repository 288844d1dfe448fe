-- Undo 0003.fintech.create-transfers.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE fintech.transfers;

DROP FUNCTION fintech.tg__check_status_transition();
