-- Undo 0001.export_readiness.create-users.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE export_readiness.users;

DROP SCHEMA export_readiness;
