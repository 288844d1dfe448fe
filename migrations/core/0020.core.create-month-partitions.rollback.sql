-- Undo 0020.core.create-month-partitions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION core.move_default_rows(regclass);

DROP FUNCTION core.create_month_partition(regclass, date);

CREATE OR REPLACE FUNCTION core.tg__forbid_mutation() RETURNS trigger
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
