-- Undo 0051.fintech.keep-ledger-partitions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DELETE FROM core.partition_retention WHERE schema_name = 'fintech' AND table_name = 'transactions';
