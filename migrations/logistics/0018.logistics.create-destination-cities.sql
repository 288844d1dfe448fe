-- logistics.destination_cities: the closed set of cities an order may be delivered to. The seed
-- declares orders.destination_city an enum (without listing its members); a reference table holds
-- the set here instead of a PostgreSQL enum type, so that operators add a city with one INSERT (as
-- the owner) rather than ALTER TYPE, and a rename follows into the orders (ON UPDATE CASCADE). The
-- column stays text, so the typed functions keep returning str.
--
-- The set starts with the towns Senga delivers to in Kenya (the demo's Nakuru, Eldoret and Nairobi
-- among them). Existing orders are converted: a destination_city that names a city of the set up
-- to case and surrounding blanks ('  nakuru') becomes the set's spelling ('Nakuru'). A value that
-- names no city of the set is not lost: it is added to the set, trimmed, once per spelling that
-- differs only in case (the spelling that sorts first byte-wise, capitals first, is kept and the
-- others follow it), and a NOTICE says how many cities were added (review them in
-- logistics.destination_cities after the migration). From then on the set is closed: an order
-- naming a city outside it is refused with a ForeignKeyViolation naming
-- orders_destination_city_fkey, added NOT VALID here (no scan of the orders under the lock) and
-- validated by 0019.
-- depends: 0017.logistics.validate-money-scale-checks

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE logistics.destination_cities (
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT destination_cities_pkey PRIMARY KEY (name),
    CONSTRAINT destination_cities_name_check CHECK (name = btrim(name) AND length(name) BETWEEN 1 AND 100)
);

COMMENT ON TABLE logistics.destination_cities IS 'The cities orders are delivered to (orders.destination_city); the closed set the seed declares as an enum. Operators add a city with an INSERT as the owner.';

COMMENT ON COLUMN logistics.destination_cities.name IS 'The city''s name as orders spell it; 1 to 100 characters, no surrounding blanks.';

COMMENT ON CONSTRAINT destination_cities_name_check ON logistics.destination_cities IS 'a city name has 1 to 100 characters and no surrounding blanks';

INSERT INTO logistics.destination_cities (name)
VALUES
    ('Bungoma'), ('Busia'), ('Eldoret'), ('Embu'), ('Garissa'), ('Isiolo'), ('Kakamega'),
    ('Kericho'), ('Kisii'), ('Kisumu'), ('Kitale'), ('Kitui'), ('Lamu'), ('Machakos'),
    ('Malindi'), ('Meru'), ('Mombasa'), ('Nairobi'), ('Naivasha'), ('Nakuru'), ('Nanyuki'),
    ('Narok'), ('Nyeri'), ('Thika'), ('Voi');

DO $$
DECLARE
    v_added integer;
BEGIN
    WITH added AS (
        INSERT INTO logistics.destination_cities (name)
        SELECT min(btrim(o.destination_city) COLLATE "C")
        FROM logistics.orders AS o
        WHERE NOT EXISTS (
            SELECT 1
            FROM logistics.destination_cities AS c
            WHERE lower(c.name) = lower(btrim(o.destination_city))
        )
        GROUP BY lower(btrim(o.destination_city))
        RETURNING name
    )
    SELECT count(*) INTO v_added FROM added;
    IF v_added > 0 THEN
        RAISE NOTICE '% destination cities named by existing orders were not in the set and were added to logistics.destination_cities', v_added;
    END IF;
END;
$$;

UPDATE logistics.orders AS o
SET destination_city = c.name
FROM logistics.destination_cities AS c
WHERE lower(btrim(o.destination_city)) = lower(c.name)
    AND o.destination_city <> c.name;

ALTER TABLE logistics.orders
    ADD CONSTRAINT orders_destination_city_fkey FOREIGN KEY (destination_city)
    REFERENCES logistics.destination_cities (name) ON UPDATE CASCADE ON DELETE RESTRICT NOT VALID;

COMMENT ON CONSTRAINT orders_destination_city_fkey ON logistics.orders IS 'destination_city must be one of logistics.destination_cities (a city with orders cannot be removed from the set)';

COMMENT ON COLUMN logistics.orders.destination_city IS 'One of logistics.destination_cities, spelled as there (orders_destination_city_fkey).';

REVOKE ALL ON TABLE logistics.destination_cities FROM PUBLIC;

GRANT SELECT ON TABLE logistics.destination_cities TO logistics_app, logistics_readonly;
