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

-- name: list_default_partitions_with_rows(schemas)
-- Data check: every default partition in the given schemas that holds rows — rows outside every
-- ranged partition (`datalayer partitions maintain` creates the months ahead and moves such rows
-- into their months).
-- @nonnull partition_name, partitioned_table, stray_rows
SELECT
    d.oid::regclass::text AS partition_name,
    p.oid::regclass::text AS partitioned_table,
    s.stray_rows
FROM pg_catalog.pg_partitioned_table AS pt
JOIN pg_catalog.pg_class AS p
    ON p.oid = pt.partrelid
JOIN pg_catalog.pg_namespace AS n
    ON n.oid = p.relnamespace
JOIN pg_catalog.pg_class AS d
    ON d.oid = pt.partdefid
CROSS JOIN LATERAL (
    SELECT (xpath('/row/n/text()', query_to_xml(
        format('SELECT count(*) AS n FROM %s', d.oid::regclass),
        false, true, ''
    )))[1]::text::bigint AS stray_rows
) AS s
WHERE n.nspname = ANY(:schemas::text[])
    AND s.stray_rows > 0
ORDER BY 1;
