-- Undo 0018.logistics.create-destination-cities: orders.destination_city is free text again (it
-- was text throughout; the spellings 0018 normalised stay normalised).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

COMMENT ON COLUMN logistics.orders.destination_city IS '1 to 100 characters.';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_destination_city_fkey;

DROP TABLE logistics.destination_cities;
