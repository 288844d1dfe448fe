-- name: list_table_row_counts()
-- How many rows each logistics table holds, in the order the seed listed them (for
-- `datalayer logistics check`).
-- @nonnull table_name, row_count
SELECT 'users' AS table_name, count(*) AS row_count FROM logistics.users
UNION ALL
SELECT 'customers', count(*) FROM logistics.customers
UNION ALL
SELECT 'orders', count(*) FROM logistics.orders
UNION ALL
SELECT 'vehicles', count(*) FROM logistics.vehicles
UNION ALL
SELECT 'routes', count(*) FROM logistics.routes
UNION ALL
SELECT 'route_stops', count(*) FROM logistics.route_stops
UNION ALL
SELECT 'decisions', count(*) FROM logistics.decisions
UNION ALL
SELECT 'operational_outcomes', count(*) FROM logistics.operational_outcomes;
