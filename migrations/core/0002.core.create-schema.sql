-- Schema core: what every application schema shares.
--   core.uuid_v7()             time-ordered UUIDs (RFC 9562 version 7) for primary keys: new keys
--                              land at the right edge of the B-tree instead of random pages
--   core.tg__set_updated_at()  BEFORE UPDATE trigger keeping updated_at
--   core.tg__forbid_mutation() BEFORE UPDATE/DELETE/TRUNCATE trigger for append-only tables
-- depends: 0001.core.create-extensions

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE SCHEMA core;

COMMENT ON SCHEMA core IS 'Shared by all application schemas: id generation, trigger functions, the audit log.';

CREATE FUNCTION core.uuid_v7() RETURNS uuid
LANGUAGE sql
VOLATILE
PARALLEL SAFE
AS $$
    -- 48-bit Unix time in milliseconds, then version 7 and the RFC variant over random bits.
    SELECT encode(
        set_bit(
            set_bit(
                overlay(
                    uuid_send(gen_random_uuid())
                    PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6
                ),
                52, 1
            ),
            53, 1
        ),
        'hex'
    )::uuid
$$;

COMMENT ON FUNCTION core.uuid_v7() IS 'A version 7 UUID: 48 bits of Unix milliseconds, then random bits. Sorts by creation time.';

CREATE FUNCTION core.tg__set_updated_at() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION core.tg__set_updated_at() IS 'BEFORE UPDATE FOR EACH ROW: sets updated_at to the transaction time.';

CREATE FUNCTION core.tg__forbid_mutation() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION '% on %.% is not allowed: the table is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              SCHEMA = TG_TABLE_SCHEMA,
              TABLE = TG_TABLE_NAME,
              CONSTRAINT = TG_TABLE_NAME || '_append_only',
              HINT = 'Write a new row (e.g. a reversing entry) instead of changing or removing one.';
END;
$$;

COMMENT ON FUNCTION core.tg__forbid_mutation() IS 'BEFORE UPDATE OR DELETE (row) / TRUNCATE (statement): refuses the change with SQLSTATE 23001 and constraint <table>_append_only.';
