-- Undo 0001.fintech.create-users.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE fintech.users;

DROP SCHEMA fintech;
