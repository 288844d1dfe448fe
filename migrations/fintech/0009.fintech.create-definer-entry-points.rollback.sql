-- Undo 0009.fintech.create-definer-entry-points.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION fintech.password_hash_for_login(text);

DROP FUNCTION fintech.find_user_by_email(text);

DROP FUNCTION fintech.sign_up(text, text, text, text, text);

DROP FUNCTION fintech.reverse_transfer(uuid, uuid);

DROP FUNCTION fintech.send_p2p(uuid, uuid, uuid, numeric, text, numeric, text);

DROP FUNCTION fintech.transfer(uuid, uuid, uuid, numeric, text, numeric, text);

DROP FUNCTION fintech.withdraw(uuid, numeric, text);

DROP FUNCTION fintech.deposit(uuid, numeric, text);

DROP FUNCTION fintech._require_account(uuid);

DROP FUNCTION fintech._require_user(uuid);

DROP FUNCTION fintech._is_worker();

ALTER FUNCTION fintech._reverse_transfer(uuid, uuid) RENAME TO reverse_transfer;

ALTER FUNCTION fintech._send_p2p(uuid, uuid, uuid, numeric, text, numeric, text) RENAME TO send_p2p;

ALTER FUNCTION fintech._transfer(uuid, uuid, uuid, numeric, text, numeric, text) RENAME TO transfer;

ALTER FUNCTION fintech._withdraw(uuid, numeric, text) RENAME TO withdraw;

ALTER FUNCTION fintech._deposit(uuid, numeric, text) RENAME TO deposit;
