-- The ledger's months are never archived by `datalayer partitions maintain`, whatever the
-- retention: an account's balance is the sum of its ledger entries (the fintech check verifies it),
-- so dropping old months would break that for good.
-- depends: 0040.fintech.partition-ledger 0026.core.create-partition-retention

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

INSERT INTO core.partition_retention (schema_name, table_name, allowed, reason)
VALUES ('fintech', 'transactions', false, 'balances are the sum of the ledger: every month is kept');
