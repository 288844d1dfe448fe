-- logistics: drop orders_customer_id_idx (customer_id): orders_customer_id_created_at_idx from 0021
-- leads with the same column and serves the foreign key and every query that used it. Dropped
-- CONCURRENTLY, alone in a non-transactional file.
-- depends: 0021.logistics.add-orders-customer-id-created-at-idx
-- transactional: false
-- squawk-disable-assume-in-transaction

-- The runner starts the session with lock_timeout 5s and statement_timeout 15min (a file may not
-- SET outside a transaction).
-- squawk-ignore require-lock-timeout, require-statement-timeout
DROP INDEX CONCURRENTLY IF EXISTS logistics.orders_customer_id_idx;
