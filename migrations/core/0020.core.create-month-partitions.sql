-- core: monthly range partitions of append-only tables.
--
-- core.create_month_partition(parent, month) creates (once) the partition of a table partitioned
-- BY RANGE on a timestamptz column that holds the month starting at `month` (UTC bounds), named
-- <table>_pYYYY_MM. The partition belongs to the table's owner and gets no privileges of its own
-- (queries go through the parent, whose grants and row-level security apply) and, when the parent
-- forbids TRUNCATE, the same statement trigger: TRUNCATE of one partition does not fire the
-- parent's. It refuses (rather than
-- failing deep inside ALTER TABLE) when the default partition already holds rows of that month.
-- `datalayer partitions maintain` calls it for the months ahead; migrations that convert a table
-- call it for the months their rows fall in.
--
-- core.move_default_rows(parent) empties the default partition into monthly ones: rows land there
-- when the service wrote before `datalayer partitions maintain` created their month (a fresh
-- deployment, or maintenance not run in time). In one transaction it detaches the default
-- partition, creates the months its rows belong to and a new default partition, copies the rows
-- back through the parent with the parent's own triggers off (moving a row is not a change: no
-- audit, no posting guard; foreign keys are still checked) and drops the old default partition.
-- It returns the number of rows moved; the parent is locked while it runs.
--
-- Both belong to datalayer_owner, who alone may run them (core migrates as the login).
--
-- core.tg__forbid_mutation() fires on a partition when a row of a partitioned table is changed: it
-- now names the partitioned table (pg_partition_root), so the error and its constraint
-- <table>_append_only stay the same whichever partition holds the row.
-- depends: 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION core.create_month_partition(p_parent regclass, p_month date) RETURNS regclass
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema name;
    v_table name;
    v_name text;
    v_from timestamptz := (date_trunc('month', p_month)::timestamp AT TIME ZONE 'UTC');
    v_to timestamptz := ((date_trunc('month', p_month) + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    v_key name;
    v_default regclass;
    v_existing regclass;
    v_rows boolean;
BEGIN
    SELECT n.nspname, c.relname INTO v_schema, v_table
    FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.oid = p_parent AND c.relkind = 'p';
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not a partitioned table', p_parent USING ERRCODE = 'wrong_object_type';
    END IF;
    v_name := format('%s_p%s', v_table, to_char(date_trunc('month', p_month), 'YYYY_MM'));
    v_existing := to_regclass(format('%I.%I', v_schema, v_name));
    IF v_existing IS NOT NULL THEN
        RETURN v_existing;
    END IF;
    SELECT a.attname INTO v_key
    FROM pg_partitioned_table AS pt
    JOIN pg_attribute AS a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
    WHERE pt.partrelid = p_parent;
    SELECT i.inhrelid::regclass INTO v_default
    FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
    WHERE i.inhparent = p_parent AND c.relpartbound IS NOT NULL
      AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
    IF v_default IS NOT NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT FROM %s WHERE %I >= $1 AND %I < $2)', v_default, v_key, v_key)
            INTO v_rows USING v_from, v_to;
        IF v_rows THEN
            RAISE EXCEPTION 'the default partition % holds rows of %: move them before creating the partition of that month', v_default, to_char(v_from AT TIME ZONE 'UTC', 'YYYY-MM')
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
    END IF;
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', v_schema, v_name, p_parent, v_from, v_to);
    EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', v_schema, v_name, (SELECT r.rolname FROM pg_class AS c JOIN pg_roles AS r ON r.oid = c.relowner WHERE c.oid = p_parent));
    EXECUTE format('REVOKE ALL ON %I.%I FROM PUBLIC', v_schema, v_name);
    IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = p_parent AND tgname = '_100_forbid_truncate') THEN
        EXECUTE format('CREATE TRIGGER _100_forbid_truncate BEFORE TRUNCATE ON %I.%I FOR EACH STATEMENT EXECUTE FUNCTION core.tg__forbid_mutation()', v_schema, v_name);
    END IF;
    RETURN format('%I.%I', v_schema, v_name)::regclass;
END;
$$;

COMMENT ON FUNCTION core.create_month_partition(regclass, date) IS 'Creates (once) the monthly partition <table>_pYYYY_MM of a range-partitioned append-only table; returns it.';

REVOKE ALL ON FUNCTION core.create_month_partition(regclass, date) FROM PUBLIC;

ALTER FUNCTION core.create_month_partition(regclass, date) OWNER TO datalayer_owner;

CREATE FUNCTION core.move_default_rows(p_parent regclass) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema name;
    v_table name;
    v_key name;
    v_default regclass;
    v_default_name name;
    v_old text;
    v_month date;
    v_moved bigint;
BEGIN
    SELECT n.nspname, c.relname INTO v_schema, v_table
    FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.oid = p_parent AND c.relkind = 'p';
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not a partitioned table', p_parent USING ERRCODE = 'wrong_object_type';
    END IF;
    SELECT a.attname INTO v_key
    FROM pg_partitioned_table AS pt
    JOIN pg_attribute AS a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
    WHERE pt.partrelid = p_parent;
    SELECT i.inhrelid::regclass, c.relname INTO v_default, v_default_name
    FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
    WHERE i.inhparent = p_parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
    IF v_default IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', v_default) INTO v_moved;
    IF v_moved = 0 THEN
        RETURN 0;
    END IF;
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', p_parent);
    v_old := v_default_name || '_moving';
    EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', p_parent, v_default);
    EXECUTE format('ALTER TABLE %s RENAME TO %I', v_default, v_old);
    FOR v_month IN EXECUTE format(
        'SELECT DISTINCT date_trunc(''month'', %I AT TIME ZONE ''UTC'')::date FROM %I.%I ORDER BY 1',
        v_key, v_schema, v_old)
    LOOP
        PERFORM core.create_month_partition(p_parent, v_month);
    END LOOP;
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s DEFAULT', v_schema, v_default_name, p_parent);
    EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', v_schema, v_default_name, (SELECT r.rolname FROM pg_class AS c JOIN pg_roles AS r ON r.oid = c.relowner WHERE c.oid = p_parent));
    EXECUTE format('REVOKE ALL ON %I.%I FROM PUBLIC', v_schema, v_default_name);
    IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = p_parent AND tgname = '_100_forbid_truncate') THEN
        EXECUTE format('CREATE TRIGGER _100_forbid_truncate BEFORE TRUNCATE ON %I.%I FOR EACH STATEMENT EXECUTE FUNCTION core.tg__forbid_mutation()', v_schema, v_default_name);
    END IF;
    EXECUTE format('ALTER TABLE %s DISABLE TRIGGER USER', p_parent);
    EXECUTE format('INSERT INTO %s SELECT * FROM %I.%I', p_parent, v_schema, v_old);
    EXECUTE format('ALTER TABLE %s ENABLE TRIGGER USER', p_parent);
    EXECUTE format('DROP TABLE %I.%I', v_schema, v_old);
    RETURN v_moved;
END;
$$;

COMMENT ON FUNCTION core.move_default_rows(regclass) IS 'Moves the rows of a range-partitioned table''s default partition into their monthly partitions (created as needed); returns how many.';

REVOKE ALL ON FUNCTION core.move_default_rows(regclass) FROM PUBLIC;

ALTER FUNCTION core.move_default_rows(regclass) OWNER TO datalayer_owner;

CREATE OR REPLACE FUNCTION core.tg__forbid_mutation() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_table name := coalesce(
        (SELECT c.relname FROM pg_catalog.pg_class AS c WHERE c.oid = pg_catalog.pg_partition_root(TG_RELID)),
        TG_TABLE_NAME
    );
BEGIN
    RAISE EXCEPTION '% on %.% is not allowed: the table is append-only', TG_OP, TG_TABLE_SCHEMA, v_table
        USING ERRCODE = 'restrict_violation',
              SCHEMA = TG_TABLE_SCHEMA,
              TABLE = v_table,
              CONSTRAINT = v_table || '_append_only',
              HINT = 'Write a new row (e.g. a reversing entry) instead of changing or removing one.';
END;
$$;
