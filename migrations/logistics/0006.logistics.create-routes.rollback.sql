-- Undo 0006.logistics.create-routes.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE logistics.routes;
