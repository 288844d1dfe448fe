-- Undo 0002.logistics.create-geo-functions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION logistics.earth_distance_m(public.cube, public.cube);

DROP FUNCTION logistics.earth_point(double precision, double precision);

DROP EXTENSION IF EXISTS earthdistance;

DROP EXTENSION IF EXISTS cube;
