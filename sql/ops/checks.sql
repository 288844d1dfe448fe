-- name: list_not_valid_check_violations(schemas)
-- Data check: every CHECK constraint added NOT VALID (not validated yet) in the given schemas
-- that rows violate, with how many rows and the constraint's message (its COMMENT).
-- @nonnull constraint_name, violating_rows
SELECT
    n.nspname || '.' || c.relname || '.' || k.conname AS constraint_name,
    v.violating_rows,
    pg_catalog.obj_description(k.oid, 'pg_constraint') AS message
FROM pg_catalog.pg_constraint AS k
JOIN pg_catalog.pg_class AS c
    ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace AS n
    ON n.oid = c.relnamespace
CROSS JOIN LATERAL (
    SELECT (xpath('/row/n/text()', query_to_xml(
        format('SELECT count(*) AS n FROM %I.%I WHERE NOT (%s)', n.nspname, c.relname, pg_catalog.pg_get_expr(k.conbin, k.conrelid)),
        false, true, ''
    )))[1]::text::bigint AS violating_rows
) AS v
WHERE k.contype = 'c'
    AND NOT k.convalidated
    AND n.nspname = ANY(:schemas::text[])
    AND v.violating_rows > 0
ORDER BY 1;
