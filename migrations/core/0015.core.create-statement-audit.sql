-- Statement-level audit for bulk paths: core.tg__audit_statement() writes the same core.audit_log
-- rows as core.tg__audit() (one per changed row: schema, table, operation, row id, old and new
-- values without the excluded columns, changed columns, actor, login and application role), but
-- once per statement from its transition tables, so a COPY or a multi-row INSERT of 100,000 rows
-- runs one INSERT ... SELECT into the log instead of 100,000 trigger calls.
--
-- A table attaches it with one trigger per operation (a transition table needs a single-event
-- trigger), the transition tables named new_rows and old_rows, and the same arguments as
-- core.tg__audit() (the columns to leave out):
--
--   AFTER INSERT ON t REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
--   AFTER UPDATE ON t REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
--   AFTER DELETE ON t REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
--
-- Whole rows are read as alias.* so that a column named like the alias cannot stand in for them.
-- UPDATE pairs old and new rows by the id column (which an UPDATE of an audited table does not
-- change; a changed id is recorded as a DELETE of the old row and an INSERT of the new one).
-- depends: 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION core.tg__audit_statement() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_skip text[] := coalesce(TG_ARGV, ARRAY[]::text[]);
    v_actor text := nullif(current_setting('datalayer.actor', true), '');
    v_role text;
BEGIN
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
    IF TG_OP = 'INSERT' THEN
        INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, old_values, new_values, changed_columns, actor, db_user, app_role)
        SELECT TG_TABLE_SCHEMA, TG_TABLE_NAME, 'INSERT', v.new_values ->> 'id', NULL, v.new_values, NULL, v_actor, session_user, v_role
        FROM (SELECT to_jsonb(tg_new.*) - v_skip AS new_values FROM new_rows AS tg_new) AS v;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, old_values, new_values, changed_columns, actor, db_user, app_role)
        SELECT TG_TABLE_SCHEMA, TG_TABLE_NAME, 'DELETE', v.old_values ->> 'id', v.old_values, NULL, NULL, v_actor, session_user, v_role
        FROM (SELECT to_jsonb(tg_old.*) - v_skip AS old_values FROM old_rows AS tg_old) AS v;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, old_values, new_values, changed_columns, actor, db_user, app_role)
        SELECT TG_TABLE_SCHEMA, TG_TABLE_NAME, p.operation, coalesce(p.new_values ->> 'id', p.old_values ->> 'id'),
               p.old_values, p.new_values, p.changed, v_actor, session_user, v_role
        FROM (
            SELECT CASE WHEN o.old_values IS NULL THEN 'INSERT' WHEN n.new_values IS NULL THEN 'DELETE' ELSE 'UPDATE' END AS operation,
                   o.old_values,
                   n.new_values,
                   CASE WHEN o.old_values IS NOT NULL AND n.new_values IS NOT NULL THEN (
                       SELECT array_agg(e.key ORDER BY e.key)
                       FROM jsonb_each(n.new_values) AS e
                       WHERE e.value IS DISTINCT FROM o.old_values -> e.key
                   ) END AS changed
            FROM (SELECT to_jsonb(tg_old.*) - v_skip AS old_values FROM old_rows AS tg_old) AS o
            FULL JOIN (SELECT to_jsonb(tg_new.*) - v_skip AS new_values FROM new_rows AS tg_new) AS n
                ON n.new_values -> 'id' = o.old_values -> 'id'
        ) AS p
        -- nothing recorded for a row whose audited columns did not change (as tg__audit)
        WHERE p.operation <> 'UPDATE' OR p.changed IS NOT NULL;
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION core.tg__audit_statement() IS 'AFTER INSERT / UPDATE / DELETE FOR EACH STATEMENT with transition tables new_rows and old_rows: writes the same core.audit_log rows as core.tg__audit(), one statement per triggering statement. Arguments: columns to leave out of old/new values.';

ALTER FUNCTION core.tg__audit_statement() OWNER TO datalayer_owner;

REVOKE ALL ON FUNCTION core.tg__audit_statement() FROM PUBLIC;
