-- validation: a GIN index on validation_sessions.user_context (jsonb_path_ops) for containment
-- searches on the caller's context (user_context @> '{"client": "ci"}'), served by
-- list_sessions_by_user_context. Built CONCURRENTLY, alone in a non-transactional file, as 0013.
-- depends: 0013.validation.add-request-data-gin-index
-- transactional: false
-- squawk-disable-assume-in-transaction

-- The runner starts the session with lock_timeout 5s and statement_timeout 15min (a file may not
-- SET outside a transaction), and repairs an interrupted build (IF NOT EXISTS would keep it INVALID).
-- squawk-ignore prefer-robust-stmts, require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY validation_sessions_user_context_idx ON validation.validation_sessions USING gin (user_context jsonb_path_ops);
