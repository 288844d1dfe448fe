-- Undo 0004.logistics.create-vehicles.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE logistics.vehicles;
