-- Undo 0008.fintech.create-posting-functions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION fintech.reverse_transfer(uuid, uuid);

DROP FUNCTION fintech.send_p2p(uuid, uuid, uuid, numeric, text, numeric, text);

DROP FUNCTION fintech.transfer(uuid, uuid, uuid, numeric, text, numeric, text);

DROP FUNCTION fintech.withdraw(uuid, numeric, text);

DROP FUNCTION fintech.deposit(uuid, numeric, text);

DROP FUNCTION fintech._book_external(uuid, numeric, text, text);

DROP FUNCTION fintech._check_movement(fintech.accounts, fintech.accounts, numeric, numeric);

DROP FUNCTION fintech._lock_accounts(uuid, uuid);

DROP FUNCTION fintech._post_entry(uuid, uuid, numeric, text, text, uuid, uuid, text);
