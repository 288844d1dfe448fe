-- Undo 0026.core.create-partition-retention.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- squawk-ignore ban-drop-table
DROP TABLE core.partition_retention;
