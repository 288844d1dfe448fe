-- Geography without PostGIS: the contrib extensions cube and earthdistance (shipped with
-- PostgreSQL) model a point on the earth as a 3-D cube point, and a GiST index over such points
-- answers "nearest first" (ORDER BY point <-> target) by index scan.
--   logistics.earth_point(lat, lon)      the point, as earthdistance's ll_to_earth computes it
--   logistics.earth_distance_m(a, b)     great-circle distance in metres, as earth_distance does
-- Both are written out with schema-qualified calls in SQL-standard bodies (resolved when created)
-- instead of calling ll_to_earth / earth_distance, whose bodies look up cube() and earth() through
-- search_path: an index expression must not depend on search_path (restores and maintenance run
-- with an empty one). The sphere is earthdistance's: radius earth() = 6378168 m.
-- depends: 0001.logistics.create-users

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE EXTENSION IF NOT EXISTS cube WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS earthdistance WITH SCHEMA public;

CREATE FUNCTION logistics.earth_point(latitude double precision, longitude double precision)
RETURNS public.cube
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
RETURN public.cube(
    public.cube(
        public.cube(public.earth() * cos(radians(latitude)) * cos(radians(longitude))),
        public.earth() * cos(radians(latitude)) * sin(radians(longitude))
    ),
    public.earth() * sin(radians(latitude))
);

COMMENT ON FUNCTION logistics.earth_point(double precision, double precision) IS 'The earth-centred 3-D point (a cube) of a latitude and longitude in degrees; indexable with GiST, nearest first with <->.';

CREATE FUNCTION logistics.earth_distance_m(a public.cube, b public.cube)
RETURNS double precision
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
RETURN CASE
    WHEN public.cube_distance(a, b) / (2 * public.earth()) > 1 THEN pi() * public.earth()
    ELSE 2 * public.earth() * asin(public.cube_distance(a, b) / (2 * public.earth()))
END;

COMMENT ON FUNCTION logistics.earth_distance_m(public.cube, public.cube) IS 'Great-circle distance in metres between two earth points (see logistics.earth_point).';
