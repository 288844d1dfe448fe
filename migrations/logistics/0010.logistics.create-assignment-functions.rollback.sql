-- Undo 0010.logistics.create-assignment-functions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION logistics.assign_orders(uuid, uuid[]);
