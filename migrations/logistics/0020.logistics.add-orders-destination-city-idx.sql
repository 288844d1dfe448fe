-- logistics: the index behind orders_destination_city_fkey (removing or renaming a city finds its
-- orders without a scan), on (destination_city, created_at, id) so that it also serves listing a
-- city's orders newest first. Built CONCURRENTLY, alone in a non-transactional file.
-- depends: 0019.logistics.validate-destination-city-fkey
-- transactional: false
-- squawk-disable-assume-in-transaction

-- The runner starts the session with lock_timeout 5s and statement_timeout 15min (a file may not
-- SET outside a transaction), and repairs an interrupted build (IF NOT EXISTS would keep it INVALID).
-- squawk-ignore prefer-robust-stmts, require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY orders_destination_city_idx ON logistics.orders (destination_city, created_at, id);
