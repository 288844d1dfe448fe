-- fintech: validates the kind check 0016 replaced NOT VALID (a scan under SHARE UPDATE
-- EXCLUSIVE, which lets reads and writes go on).
-- depends: 0016.fintech.add-ledger-kinds

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE fintech.transactions VALIDATE CONSTRAINT transactions_kind_check;
