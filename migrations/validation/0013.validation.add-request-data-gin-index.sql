-- validation: a GIN index on validation_sessions.request_data (jsonb_path_ops) for key/value
-- containment searches (request_data @> '{"options": {"strict": true}}'), served by
-- list_sessions_by_request_data. jsonb_path_ops indexes only @> (and jsonpath matches), at about a
-- third of the size of the default operator class; nothing here asks for key existence (?).
-- Built CONCURRENTLY (the sessions table is the large one, and writes go on during the build), so
-- the file is not transactional and holds this one statement: a run killed half-way leaves an
-- INVALID index that the next `datalayer migrate` drops and builds again.
-- depends: 0012.validation.validate-input-checks
-- transactional: false
-- squawk-disable-assume-in-transaction

-- The runner starts the session with lock_timeout 5s and statement_timeout 15min (a file may not
-- SET outside a transaction), and repairs an interrupted build (IF NOT EXISTS would keep it INVALID).
-- squawk-ignore prefer-robust-stmts, require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY validation_sessions_request_data_idx ON validation.validation_sessions USING gin (request_data jsonb_path_ops);
