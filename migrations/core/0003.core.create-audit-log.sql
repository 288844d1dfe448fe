-- The audit trail: core.audit_log, written by the trigger function core.tg__audit() on the tables
-- that attach it (AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW). It records the table, the
-- operation, the row id, old and new values as jsonb, the time, and the acting user taken from the
-- transaction setting datalayer.actor (db.transaction(actor=...) sets it). Trigger arguments name
-- columns to leave out of the recorded values (password hashes, encrypted tokens). The log itself
-- is append-only.
-- depends: 0002.core.create-schema

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE core.audit_log (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    occurred_at timestamptz NOT NULL DEFAULT now(),
    schema_name text NOT NULL,
    table_name text NOT NULL,
    operation text NOT NULL,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    changed_columns text[],
    actor text,
    db_user text NOT NULL DEFAULT current_user,
    transaction_id bigint NOT NULL DEFAULT txid_current(),
    CONSTRAINT audit_log_pkey PRIMARY KEY (id),
    CONSTRAINT audit_log_operation_check CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    CONSTRAINT audit_log_values_check CHECK (
        (operation = 'INSERT' AND old_values IS NULL AND new_values IS NOT NULL)
        OR (operation = 'UPDATE' AND old_values IS NOT NULL AND new_values IS NOT NULL)
        OR (operation = 'DELETE' AND old_values IS NOT NULL AND new_values IS NULL)
    )
);

COMMENT ON TABLE core.audit_log IS 'Append-only audit trail of changes to audited tables, one row per changed row.';

COMMENT ON COLUMN core.audit_log.row_id IS 'The changed row''s id column, as text.';

COMMENT ON COLUMN core.audit_log.old_values IS 'The row before the change (UPDATE, DELETE), without the columns the trigger was told to leave out.';

COMMENT ON COLUMN core.audit_log.new_values IS 'The row after the change (INSERT, UPDATE), without the columns the trigger was told to leave out.';

COMMENT ON COLUMN core.audit_log.changed_columns IS 'UPDATE only: the columns whose values changed.';

COMMENT ON COLUMN core.audit_log.actor IS 'The application user responsible: the datalayer.actor setting of the transaction, if set.';

COMMENT ON COLUMN core.audit_log.db_user IS 'The database role that made the change.';

COMMENT ON CONSTRAINT audit_log_operation_check ON core.audit_log IS 'operation must be INSERT, UPDATE or DELETE';

COMMENT ON CONSTRAINT audit_log_values_check ON core.audit_log IS 'old and new values must match the operation';

CREATE INDEX audit_log_table_name_row_id_idx ON core.audit_log (schema_name, table_name, row_id, occurred_at DESC);

CREATE INDEX audit_log_occurred_at_idx ON core.audit_log USING brin (occurred_at);

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON core.audit_log
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

CREATE TRIGGER _100_forbid_truncate
    BEFORE TRUNCATE ON core.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__forbid_mutation();

CREATE FUNCTION core.tg__audit() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_old jsonb;
    v_new jsonb;
    v_changed text[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        v_old := to_jsonb(OLD) - coalesce(TG_ARGV, ARRAY[]::text[]);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        v_new := to_jsonb(NEW) - coalesce(TG_ARGV, ARRAY[]::text[]);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.key ORDER BY n.key)
        INTO v_changed
        FROM jsonb_each(v_new) AS n
        WHERE n.value IS DISTINCT FROM v_old -> n.key;
        IF v_changed IS NULL THEN
            RETURN NULL;  -- nothing recorded for an UPDATE that changed no audited column
        END IF;
    END IF;
    INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, old_values, new_values, changed_columns, actor)
    VALUES (
        TG_TABLE_SCHEMA,
        TG_TABLE_NAME,
        TG_OP,
        coalesce(v_new ->> 'id', v_old ->> 'id'),
        v_old,
        v_new,
        v_changed,
        nullif(current_setting('datalayer.actor', true), '')
    );
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION core.tg__audit() IS 'AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW: writes core.audit_log. Arguments: columns to leave out of old/new values.';
