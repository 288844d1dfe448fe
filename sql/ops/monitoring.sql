-- name: list_table_sizes()
-- Size of every user table: heap, indexes and TOAST, with the planner's row estimate; largest first.
-- @nonnull total_bytes, table_bytes, index_bytes
SELECT
    n.nspname::text AS schema_name,
    c.relname::text AS table_name,
    pg_total_relation_size(c.oid) AS total_bytes,
    pg_relation_size(c.oid) AS table_bytes,
    pg_indexes_size(c.oid) AS index_bytes,
    greatest(c.reltuples, 0)::bigint AS estimated_rows
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n
    ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%'
ORDER BY pg_total_relation_size(c.oid) DESC, n.nspname, c.relname;

-- name: list_index_usage()
-- Every user index with its size and how often it was scanned since statistics were reset.
-- @nonnull schema_name, table_name, index_name, index_bytes, scans
SELECT
    s.schemaname::text AS schema_name,
    s.relname::text AS table_name,
    s.indexrelname::text AS index_name,
    pg_relation_size(s.indexrelid) AS index_bytes,
    s.idx_scan AS scans,
    i.indisunique AS is_unique,
    i.indisprimary AS is_primary,
    i.indisvalid AS is_valid
FROM pg_catalog.pg_stat_user_indexes AS s
JOIN pg_catalog.pg_index AS i
    ON i.indexrelid = s.indexrelid
ORDER BY s.schemaname, s.relname, s.indexrelname;

-- name: list_unused_indexes()
-- Indexes never scanned that enforce nothing (not unique, not primary): candidates to drop.
-- Statistics are per server since the last reset: look at every replica before dropping one.
-- @nonnull schema_name, table_name, index_name, index_bytes
SELECT
    s.schemaname::text AS schema_name,
    s.relname::text AS table_name,
    s.indexrelname::text AS index_name,
    pg_relation_size(s.indexrelid) AS index_bytes
FROM pg_catalog.pg_stat_user_indexes AS s
JOIN pg_catalog.pg_index AS i
    ON i.indexrelid = s.indexrelid
WHERE s.idx_scan = 0
    AND NOT i.indisunique
    AND NOT i.indisprimary
    AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_constraint AS c
        WHERE c.conindid = s.indexrelid
    )
ORDER BY pg_relation_size(s.indexrelid) DESC, s.schemaname, s.indexrelname;

-- name: get_cache_hit_ratio()^
-- Share of table and index block reads served from shared buffers (null before any read).
SELECT
    round(sum(heap_blks_hit)::numeric / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0), 4)::float8 AS table_hit_ratio,
    (
        SELECT round(sum(idx_blks_hit)::numeric / nullif(sum(idx_blks_hit) + sum(idx_blks_read), 0), 4)::float8
        FROM pg_catalog.pg_statio_user_indexes
    ) AS index_hit_ratio
FROM pg_catalog.pg_statio_user_tables;

-- name: get_pg_stat_statements_schema()$
-- The schema pg_stat_statements is installed in (null when it is not installed).
SELECT n.nspname::text
FROM pg_catalog.pg_extension AS e
JOIN pg_catalog.pg_namespace AS n
    ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements';

-- name: list_slow_queries(max_rows)
-- The statements with the highest mean execution time, from pg_stat_statements (installed in
-- schema public; the server must preload it). Check get_pg_stat_statements_schema first.
-- @nonnull query, calls, total_ms, mean_ms, max_ms, rows
SELECT
    s.queryid,
    left(s.query, 1000) AS query,
    s.calls,
    s.total_exec_time AS total_ms,
    s.mean_exec_time AS mean_ms,
    s.max_exec_time AS max_ms,
    s.rows
FROM public.pg_stat_statements AS s
WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
ORDER BY s.mean_exec_time DESC
LIMIT :max_rows::int;

-- name: list_connections_by_state()
-- Connections to the current database by state (active, idle, idle in transaction, ...), with
-- the longest time one of them has been in it. A role without pg_read_all_stats does not see the
-- state of other roles' sessions: they count as 'not visible'.
-- @model ConnectionState
-- @nonnull state, connections
SELECT
    coalesce(state, 'not visible') AS state,
    count(*)::int AS connections,
    max(clock_timestamp() - state_change) AS longest_in_state
FROM pg_catalog.pg_stat_activity
WHERE datname = current_database()
GROUP BY coalesce(state, 'not visible')
ORDER BY count(*) DESC, coalesce(state, 'not visible');

-- name: list_blocked_queries()
-- Every backend of the current database waiting for a lock held by others, longest wait first:
-- what it runs, every backend blocking it (pg_blocking_pids), and the first blocker's state,
-- transaction age and query.
-- @nonnull pid, blocking_pids
SELECT
    w.pid,
    w.usename::text AS role_name,
    now() - w.query_start AS waiting_for,
    left(w.query, 500) AS query,
    pg_blocking_pids(w.pid) AS blocking_pids,
    b.pid AS blocker_pid,
    b.usename::text AS blocker_role,
    b.state AS blocker_state,
    now() - b.xact_start AS blocker_transaction_age,
    left(b.query, 500) AS blocker_query
FROM pg_catalog.pg_stat_activity AS w
LEFT JOIN pg_catalog.pg_stat_activity AS b
    ON b.pid = (pg_blocking_pids(w.pid))[1]
WHERE w.datname = current_database()
    AND cardinality(pg_blocking_pids(w.pid)) > 0
ORDER BY w.query_start, w.pid;
