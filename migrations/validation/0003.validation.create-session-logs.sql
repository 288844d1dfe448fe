-- validation.session_logs: the processing log of a session, one row per line, append-only.
-- The seed kept the log as a jsonb array rewritten on every line; a row per line is written with
-- one INSERT, never rewrites the session row, and pages by (logged_at, id). A line is never
-- changed, and is removed only together with its session (the purge cascade):
-- validation.tg_session_logs__forbid_mutation() refuses UPDATE, TRUNCATE, and a DELETE while the
-- session still exists, with restrict_violation naming session_logs_append_only.
-- depends: 0002.validation.create-session-shares

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE validation.session_logs (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    session_id uuid NOT NULL,
    level text NOT NULL DEFAULT 'info',
    message text NOT NULL,
    details jsonb,
    logged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT session_logs_pkey PRIMARY KEY (id),
    CONSTRAINT session_logs_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES validation.validation_sessions (id) ON DELETE CASCADE,
    CONSTRAINT session_logs_level_check CHECK (level IN ('debug', 'info', 'warning', 'error')),
    CONSTRAINT session_logs_message_check CHECK (length(message) BETWEEN 1 AND 10000),
    CONSTRAINT session_logs_details_check CHECK (jsonb_typeof(details) = 'object')
);

COMMENT ON TABLE validation.session_logs IS 'Append-only processing log of a session, one row per line; removed only with its session.';

COMMENT ON COLUMN validation.session_logs.level IS 'debug, info, warning or error.';

COMMENT ON COLUMN validation.session_logs.details IS 'Structured context of the line (a JSON object), if any.';

COMMENT ON COLUMN validation.session_logs.logged_at IS 'Wall-clock time of the line (clock_timestamp: lines of one transaction stay ordered).';

COMMENT ON CONSTRAINT session_logs_session_id_fkey ON validation.session_logs IS 'session_id must be an existing validation session';

COMMENT ON CONSTRAINT session_logs_level_check ON validation.session_logs IS 'level must be debug, info, warning or error';

COMMENT ON CONSTRAINT session_logs_message_check ON validation.session_logs IS 'message must have 1 to 10000 characters';

COMMENT ON CONSTRAINT session_logs_details_check ON validation.session_logs IS 'details must be a JSON object';

CREATE INDEX session_logs_session_id_logged_at_idx ON validation.session_logs (session_id, logged_at, id);

CREATE FUNCTION validation.tg_session_logs__forbid_mutation() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- A DELETE is the purge cascade when the parent session is already gone.
    IF TG_OP = 'DELETE' AND NOT EXISTS (
        SELECT 1 FROM validation.validation_sessions WHERE id = OLD.session_id
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on validation.session_logs is not allowed: log lines are append-only', TG_OP
        USING ERRCODE = 'restrict_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
              CONSTRAINT = 'session_logs_append_only',
              HINT = 'Log lines are removed only by purging their session.';
END;
$$;

COMMENT ON FUNCTION validation.tg_session_logs__forbid_mutation() IS 'BEFORE UPDATE OR DELETE (row) / TRUNCATE (statement) on session_logs: refuses the change (23001, session_logs_append_only) unless it is the cascade of a purged session.';

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON validation.session_logs
    FOR EACH ROW EXECUTE FUNCTION validation.tg_session_logs__forbid_mutation();

CREATE TRIGGER _100_forbid_truncate
    BEFORE TRUNCATE ON validation.session_logs
    FOR EACH STATEMENT EXECUTE FUNCTION validation.tg_session_logs__forbid_mutation();
