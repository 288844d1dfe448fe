-- core.audit_log becomes range-partitioned by month on occurred_at, with its rows.
--
-- Keys: a primary key on a partitioned table must include the partition key, so audit_log_pkey
-- becomes (id, occurred_at); id stays the row's identity (core.uuid_v7(), generated here, never
-- given), and lookups by id still use the key's index. The log has no other unique key.
--
-- Other histories attach to the log: policies and grants (compliance, export_readiness,
-- validation) and views reading it (fintech.audit_log, logistics.audit_log), which bind to the
-- table itself. This migration does not name them: it reads them from the catalog (views with their
-- options, comments and grants; policies with their roles, expressions and comments; the table's
-- grants; functions returning its row type), drops the views, converts the table, and creates
-- them again from what it read. The CHECK constraints, defaults and comments come with LIKE; the
-- append-only triggers, indexes and row-level security are core's own.
--
-- Partitions: one per month the existing rows fall in, and core.audit_log_default for any other
-- (`datalayer partitions maintain` creates the months ahead and moves stray rows). The copy holds
-- an ACCESS EXCLUSIVE lock on the log for its duration, and the audited tables' writes wait for it:
-- run it in a maintenance window sized to the log.
-- depends: 0020.core.create-month-partitions

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '0';

LOCK TABLE core.audit_log IN ACCESS EXCLUSIVE MODE;

-- What other histories attached to the table, read from the catalog before it goes: views reading
-- it (they bind to the table itself), policies, grants, and functions returning its row type.
CREATE TEMPORARY TABLE audit_views ON COMMIT DROP AS
SELECT
    v.oid::regclass::text AS name,
    pg_get_viewdef(v.oid) AS definition,
    v.reloptions AS options,
    v.relacl AS acl,
    v.relowner AS owner,
    obj_description(v.oid, 'pg_class') AS description,
    (
        SELECT jsonb_object_agg(a.attname, d.description)
        FROM pg_description AS d
        JOIN pg_attribute AS a ON a.attrelid = d.objoid AND a.attnum = d.objsubid
        WHERE d.classoid = 'pg_class'::regclass AND d.objoid = v.oid AND d.objsubid > 0
    ) AS column_comments
FROM pg_class AS v
WHERE v.relkind = 'v'
  AND v.oid IN (
      SELECT r.ev_class
      FROM pg_rewrite AS r
      JOIN pg_depend AS d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
      WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = 'core.audit_log'::regclass
        AND r.ev_class <> 'core.audit_log'::regclass
  );

CREATE TEMPORARY TABLE audit_policies ON COMMIT DROP AS
SELECT
    p.polname AS name,
    p.polpermissive AS permissive,
    CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
    (
        SELECT string_agg(CASE WHEN r.role = 0 THEN 'PUBLIC' ELSE quote_ident(o.rolname) END, ', ')
        FROM unnest(p.polroles) AS r(role)
        LEFT JOIN pg_roles AS o ON o.oid = r.role
    ) AS roles,
    pg_get_expr(p.polqual, p.polrelid) AS qual,
    pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
    obj_description(p.oid, 'pg_policy') AS description
FROM pg_policy AS p
WHERE p.polrelid = 'core.audit_log'::regclass;

CREATE TEMPORARY TABLE audit_grants ON COMMIT DROP AS
SELECT
    CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee,
    a.privilege_type
FROM pg_class AS c
CROSS JOIN LATERAL aclexplode(c.relacl) AS a
LEFT JOIN pg_roles AS r ON r.oid = a.grantee
WHERE c.oid = 'core.audit_log'::regclass AND a.grantee <> c.relowner;

CREATE TEMPORARY TABLE audit_owner ON COMMIT DROP AS
SELECT c.relowner AS owner FROM pg_class AS c WHERE c.oid = 'core.audit_log'::regclass;

CREATE TEMPORARY TABLE audit_functions ON COMMIT DROP AS
SELECT
    p.oid::regprocedure::text AS signature,
    pg_get_functiondef(p.oid) AS definition,
    obj_description(p.oid, 'pg_proc') AS description,
    p.proacl AS acl
FROM pg_proc AS p
WHERE p.prorettype = 'core.audit_log'::regtype;

DO $$
DECLARE
    v_object record;
BEGIN
    IF EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'core.audit_log'::regclass AND attacl IS NOT NULL) THEN
        RAISE EXCEPTION 'core.audit_log has column privileges, which this migration does not carry over';
    END IF;
    FOR v_object IN SELECT name FROM audit_views LOOP
        EXECUTE format('DROP VIEW %s', v_object.name);
    END LOOP;
    FOR v_object IN SELECT signature FROM audit_functions LOOP
        EXECUTE format('DROP FUNCTION %s', v_object.signature);
    END LOOP;
END;
$$;

-- squawk-ignore renaming-table
ALTER TABLE core.audit_log RENAME TO audit_log_unpartitioned;

CREATE TABLE core.audit_log (
    LIKE core.audit_log_unpartitioned
    INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS INCLUDING STORAGE INCLUDING STATISTICS
) PARTITION BY RANGE (occurred_at);

-- Before the partitions: each one copies the parent's TRUNCATE guard when it is created.
CREATE TRIGGER _100_forbid_truncate
    BEFORE TRUNCATE ON core.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__forbid_mutation();

COMMENT ON TABLE core.audit_log IS 'Append-only audit trail of changes to audited tables, one row per changed row; range-partitioned by month on occurred_at.';

CREATE TABLE core.audit_log_default PARTITION OF core.audit_log DEFAULT;

COMMENT ON TABLE core.audit_log_default IS 'Audit rows outside every monthly partition; `datalayer partitions maintain` moves them.';

REVOKE ALL ON core.audit_log_default FROM PUBLIC;

CREATE TRIGGER _100_forbid_truncate
    BEFORE TRUNCATE ON core.audit_log_default
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__forbid_mutation();

DO $$
DECLARE
    v_month date;
BEGIN
    FOR v_month IN
        SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date
        FROM core.audit_log_unpartitioned
        ORDER BY 1
    LOOP
        PERFORM core.create_month_partition('core.audit_log', v_month);
    END LOOP;
END;
$$;

INSERT INTO core.audit_log SELECT * FROM core.audit_log_unpartitioned;

-- squawk-ignore ban-drop-table
DROP TABLE core.audit_log_unpartitioned;

ALTER TABLE core.audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id, occurred_at);

COMMENT ON CONSTRAINT audit_log_pkey ON core.audit_log IS 'an audit row id must be unique';

CREATE INDEX audit_log_table_name_row_id_idx ON core.audit_log (schema_name, table_name, row_id, occurred_at DESC);

CREATE INDEX audit_log_occurred_at_idx ON core.audit_log USING brin (occurred_at);

-- 0005's index of each actor's actions
CREATE INDEX audit_log_schema_name_actor_occurred_at_idx ON core.audit_log (schema_name, actor, occurred_at DESC, id DESC) WHERE actor IS NOT NULL;

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON core.audit_log
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

ALTER TABLE core.audit_log ENABLE ROW LEVEL SECURITY;

ALTER TABLE core.audit_log FORCE ROW LEVEL SECURITY;

DO $$
DECLARE
    v_object record;
    v_acl record;
    v_column record;
BEGIN
    -- The table and its partitions keep the owner the log had (core may be migrated by a login
    -- other than the owner role).
    FOR v_object IN
        SELECT c.oid::regclass AS rel, (SELECT o.rolname FROM pg_roles AS o WHERE o.oid = w.owner) AS owner
        FROM pg_class AS c CROSS JOIN audit_owner AS w
        WHERE (c.oid = 'core.audit_log'::regclass
               OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'core.audit_log'::regclass))
          AND c.relowner <> w.owner
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO %I', v_object.rel, v_object.owner);
    END LOOP;
    REVOKE ALL ON core.audit_log FROM PUBLIC;
    FOR v_object IN SELECT grantee, privilege_type FROM audit_grants LOOP
        EXECUTE format('GRANT %s ON core.audit_log TO %s', v_object.privilege_type, v_object.grantee);
    END LOOP;
    FOR v_object IN SELECT * FROM audit_policies ORDER BY name LOOP
        EXECUTE format(
            'CREATE POLICY %I ON core.audit_log AS %s FOR %s TO %s%s%s',
            v_object.name,
            CASE WHEN v_object.permissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
            v_object.command,
            v_object.roles,
            CASE WHEN v_object.qual IS NULL THEN '' ELSE format(' USING (%s)', v_object.qual) END,
            CASE WHEN v_object.with_check IS NULL THEN '' ELSE format(' WITH CHECK (%s)', v_object.with_check) END
        );
        IF v_object.description IS NOT NULL THEN
            EXECUTE format('COMMENT ON POLICY %I ON core.audit_log IS %L', v_object.name, v_object.description);
        END IF;
    END LOOP;
    PERFORM set_config('check_function_bodies', 'off', true);
    FOR v_object IN SELECT * FROM audit_functions LOOP
        EXECUTE v_object.definition;
        EXECUTE format('COMMENT ON FUNCTION %s IS %L', v_object.signature, v_object.description);
        IF v_object.acl IS NOT NULL THEN
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_object.signature);
            FOR v_acl IN
                SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee
                FROM aclexplode(v_object.acl) AS a
                LEFT JOIN pg_roles AS r ON r.oid = a.grantee
                JOIN pg_proc AS p ON p.oid = v_object.signature::regprocedure
                WHERE a.grantee <> p.proowner
            LOOP
                EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', v_object.signature, v_acl.grantee);
            END LOOP;
        END IF;
    END LOOP;
    FOR v_object IN SELECT * FROM audit_views LOOP
        EXECUTE format(
            'CREATE VIEW %s%s AS %s',
            v_object.name,
            CASE WHEN v_object.options IS NULL THEN '' ELSE format(' WITH (%s)', array_to_string(v_object.options, ', ')) END,
            v_object.definition
        );
        IF v_object.owner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN
            EXECUTE format('ALTER VIEW %s OWNER TO %I', v_object.name, (SELECT rolname FROM pg_roles WHERE oid = v_object.owner));
        END IF;
        EXECUTE format('COMMENT ON VIEW %s IS %L', v_object.name, v_object.description);
        FOR v_column IN SELECT key, value FROM jsonb_each_text(coalesce(v_object.column_comments, '{}')) LOOP
            EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', v_object.name, v_column.key, v_column.value);
        END LOOP;
        IF v_object.acl IS NOT NULL THEN
            EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', v_object.name);
            FOR v_acl IN
                SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee, a.privilege_type
                FROM aclexplode(v_object.acl) AS a
                LEFT JOIN pg_roles AS r ON r.oid = a.grantee
                WHERE a.grantee <> v_object.owner
            LOOP
                EXECUTE format('GRANT %s ON %s TO %s', v_acl.privilege_type, v_object.name, v_acl.grantee);
            END LOOP;
        END IF;
    END LOOP;
END;
$$;
