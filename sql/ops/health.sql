-- name: get_server_info()^
-- The server's version, the current database and role, and the server's clock.
-- @nonnull server_version, server_version_num
SELECT
    current_setting('server_version') AS server_version,
    current_setting('server_version_num')::int AS server_version_num,
    current_database() AS database_name,
    current_user AS role_name,
    now() AS server_time;

-- name: count_connections()$
-- Connections to the current database, this one included.
SELECT count(*)
FROM pg_catalog.pg_stat_activity
WHERE datname = current_database();

-- name: list_active_connections()
-- Every other backend connected to the current database: who, from where, doing what.
-- @nonnull pid
SELECT
    pid,
    usename::text AS role_name,
    application_name,
    host(client_addr) AS client_addr,
    state,
    backend_start,
    xact_start,
    query_start,
    wait_event_type,
    wait_event,
    left(query, 500) AS query
FROM pg_catalog.pg_stat_activity
WHERE datname = current_database()
    AND pid <> pg_backend_pid()
ORDER BY backend_start;

-- name: list_long_running_queries(min_seconds)
-- Statements running (or transactions open) for at least min_seconds, longest first.
-- @nonnull pid
SELECT
    pid,
    usename::text AS role_name,
    state,
    now() - query_start AS query_age,
    now() - xact_start AS transaction_age,
    wait_event_type,
    wait_event,
    left(query, 500) AS query
FROM pg_catalog.pg_stat_activity
WHERE datname = current_database()
    AND pid <> pg_backend_pid()
    AND state <> 'idle'
    AND greatest(now() - query_start, now() - xact_start) >= make_interval(secs => :min_seconds::float8)
ORDER BY greatest(now() - query_start, now() - xact_start) DESC;

-- name: list_locks()
-- Locks held or awaited in the current database, with the backend holding or waiting.
-- @nonnull locktype, mode, granted
SELECT
    l.pid,
    l.locktype,
    l.mode,
    l.granted,
    l.relation::regclass::text AS relation,
    a.state,
    now() - a.query_start AS query_age,
    left(a.query, 500) AS query
FROM pg_catalog.pg_locks AS l
LEFT JOIN pg_catalog.pg_stat_activity AS a
    ON a.pid = l.pid
WHERE l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
    AND l.pid <> pg_backend_pid()
ORDER BY l.granted, l.pid;
