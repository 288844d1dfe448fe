-- Undo 0019.logistics.validate-destination-city-fkey: a validated foreign key cannot be marked
-- not valid again, so it is dropped and added back NOT VALID with its comment, as 0018 left it.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_destination_city_fkey;

ALTER TABLE logistics.orders
    ADD CONSTRAINT orders_destination_city_fkey FOREIGN KEY (destination_city)
    REFERENCES logistics.destination_cities (name) ON UPDATE CASCADE ON DELETE RESTRICT NOT VALID;

COMMENT ON CONSTRAINT orders_destination_city_fkey ON logistics.orders IS 'destination_city must be one of logistics.destination_cities (a city with orders cannot be removed from the set)';
