-- Undo 0001.logistics.create-users.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE logistics.users;

DROP SCHEMA logistics;
