-- core: the owner role, the current application user, and an audit trail that cannot be forged.
--
-- datalayer_owner (NOLOGIN) owns every schema, table and function; migrations run as it (the runner
-- switches to it once it may create objects here) or as a member of it. Roles belong to the
-- cluster: the runner creates the ones the pending migrations name when the migrating login may
-- create roles (else `datalayer roles` prints the SQL for an administrator); this migration stops
-- if datalayer_owner is still missing. It then adopts, as datalayer_owner, core and the schemas of
-- histories applied before it (so their grants can be given by their owner).
--
-- core.current_user_id() reads the transaction setting datalayer.user_id (db.transaction(user_id=)
-- sets it with set_config(..., true)); row-level security policies compare owner columns with it,
-- and no setting means no rows.
--
-- core.audit_log now records session_user (the login), the application role it acted through (from
-- the catalog, not from the caller) and the actor the application names; application roles cannot
-- write it (only the definer trigger does) and read only their own application's rows.
-- depends: 0003.core.create-audit-log

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DO $$
DECLARE
    v_schema text;
    v_object record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datalayer_owner') THEN
        RAISE EXCEPTION 'role datalayer_owner does not exist and % may not create roles', current_user
            USING HINT = 'run `datalayer roles --apply` as a role that may create roles (or have an administrator run the SQL `datalayer roles` prints), then migrate again',
                  ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE pg_catalog.format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO datalayer_owner', pg_catalog.current_database());
    -- Adopt what earlier migrations created as the migrating login: core, and the schemas of
    -- histories already applied here (databases migrated before this migration existed).
    FOR v_schema IN
        SELECT n.nspname
        FROM pg_catalog.pg_namespace AS n
        WHERE n.nspname = 'core'
            OR (to_regclass('_yoyo_migration') IS NOT NULL
                AND n.nspname IN (SELECT split_part(migration_id, '.', 2) FROM _yoyo_migration))
    LOOP
        EXECUTE pg_catalog.format('ALTER SCHEMA %I OWNER TO datalayer_owner', v_schema);
        FOR v_object IN
            SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind,
                   pg_catalog.format('%I.%I', v_schema, c.relname) AS name
            FROM pg_catalog.pg_class AS c
            WHERE c.relnamespace = v_schema::regnamespace
                AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_catalog.pg_depend AS d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
            UNION ALL
            SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure::text
            FROM pg_catalog.pg_proc AS p
            WHERE p.pronamespace = v_schema::regnamespace
                AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')
            UNION ALL
            SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, pg_catalog.format('%I.%I', v_schema, t.typname)
            FROM pg_catalog.pg_type AS t
            WHERE t.typnamespace = v_schema::regnamespace
                AND (t.typtype IN ('e', 'd', 'r')
                    OR (t.typtype = 'c' AND EXISTS (SELECT FROM pg_catalog.pg_class AS c WHERE c.oid = t.typrelid AND c.relkind = 'c')))
        LOOP
            EXECUTE pg_catalog.format('ALTER %s %s OWNER TO datalayer_owner', v_object.kind, v_object.name);
        END LOOP;
    END LOOP;
END;
$$;

REVOKE ALL ON SCHEMA core FROM PUBLIC;

REVOKE ALL ON TABLE core.audit_log FROM PUBLIC;

REVOKE ALL ON FUNCTION core.tg__audit() FROM PUBLIC;

-- No SET clause, so policies can inline it (one setting read per query, not a call per row);
-- it is not a definer function and its body is schema-qualified (NULLIF is syntax).
CREATE FUNCTION core.current_user_id() RETURNS uuid
LANGUAGE sql
STABLE
PARALLEL SAFE
AS $$
    SELECT NULLIF(pg_catalog.current_setting('datalayer.user_id', true), '')::uuid
$$;

ALTER FUNCTION core.current_user_id() OWNER TO datalayer_owner;

COMMENT ON FUNCTION core.current_user_id() IS 'The application user of this transaction (the datalayer.user_id setting, set by db.transaction(user_id=...)); NULL when unset, which row-level security policies treat as nobody.';

ALTER TABLE core.audit_log ADD COLUMN app_role text;

COMMENT ON COLUMN core.audit_log.db_user IS 'The database login that made the change (session_user), whatever role it switched to.';

COMMENT ON COLUMN core.audit_log.app_role IS 'The role the login acted through (<schema>_app, <schema>_worker, datalayer_owner, or superuser), read from the catalog when the row was written.';

COMMENT ON COLUMN core.audit_log.actor IS 'The application user the service names (the datalayer.actor setting): the service''s claim, whereas db_user and app_role are the database''s facts.';

CREATE OR REPLACE FUNCTION core.tg__audit() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_old jsonb;
    v_new jsonb;
    v_changed text[];
    v_role text;
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
    IF (SELECT r.rolsuper FROM pg_roles AS r WHERE r.rolname = session_user) THEN
        v_role := 'superuser';
    ELSE
        SELECT r.rolname
        INTO v_role
        FROM pg_roles AS r
        WHERE r.rolname IN (TG_TABLE_SCHEMA || '_app', TG_TABLE_SCHEMA || '_worker', 'datalayer_owner')
            AND pg_has_role(session_user, r.oid, 'MEMBER')
        ORDER BY r.rolname = 'datalayer_owner', r.rolname
        LIMIT 1;
    END IF;
    INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, old_values, new_values, changed_columns, actor, db_user, app_role)
    VALUES (
        TG_TABLE_SCHEMA,
        TG_TABLE_NAME,
        TG_OP,
        coalesce(v_new ->> 'id', v_old ->> 'id'),
        v_old,
        v_new,
        v_changed,
        nullif(current_setting('datalayer.actor', true), ''),
        session_user,
        v_role
    );
    RETURN NULL;
END;
$$;

ALTER TABLE core.audit_log ENABLE ROW LEVEL SECURITY;

ALTER TABLE core.audit_log FORCE ROW LEVEL SECURITY;

CREATE POLICY audit_log_owner ON core.audit_log
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY audit_log_owner ON core.audit_log IS 'The owner (and the definer trigger, which runs as it) writes and reads every row; application roles get a read policy for their own schema in their application''s migrations.';
