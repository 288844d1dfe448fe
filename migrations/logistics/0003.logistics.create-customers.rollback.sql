-- Undo 0003.logistics.create-customers.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE logistics.customers;
