-- Undo 0004.core.create-roles. The roles stay: they belong to the cluster, and other databases
-- may use them (drop datalayer_owner by hand once nothing in the cluster needs it). Objects keep
-- their owner.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP POLICY audit_log_owner ON core.audit_log;

ALTER TABLE core.audit_log NO FORCE ROW LEVEL SECURITY;

ALTER TABLE core.audit_log DISABLE ROW LEVEL SECURITY;

CREATE OR REPLACE FUNCTION core.tg__audit() RETURNS trigger
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

COMMENT ON COLUMN core.audit_log.actor IS 'The application user responsible: the datalayer.actor setting of the transaction, if set.';

COMMENT ON COLUMN core.audit_log.db_user IS 'The database role that made the change.';

ALTER TABLE core.audit_log DROP COLUMN app_role;

DROP FUNCTION core.current_user_id();

GRANT EXECUTE ON FUNCTION core.tg__audit() TO PUBLIC;

DO $$
BEGIN
    EXECUTE pg_catalog.format('REVOKE CONNECT, CREATE, TEMPORARY ON DATABASE %I FROM datalayer_owner', pg_catalog.current_database());
END;
$$;
