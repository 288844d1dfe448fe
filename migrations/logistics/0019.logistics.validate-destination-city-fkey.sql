-- logistics: validate orders_destination_city_fkey, which 0018 added NOT VALID (the existing
-- orders are checked under a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on).
-- depends: 0018.logistics.create-destination-cities

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE logistics.orders VALIDATE CONSTRAINT orders_destination_city_fkey;
