-- Undo 0008.logistics.create-route-stops.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE logistics.route_stops;
