-- Undo 0001.compliance.create-users.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.users;

DROP SCHEMA compliance;
