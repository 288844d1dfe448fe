-- name: list_routes_over_capacity()
-- Data check: every route whose orders (all but cancelled ones) weigh or measure more than its
-- vehicle takes (the capacity triggers refuse it; this finds what got past them).
-- @nonnull weight_tonnes, volume_m3
SELECT
    r.route_code,
    v.vehicle_code,
    coalesce(sum(o.weight_tonnes), 0)::numeric(12, 3) AS weight_tonnes,
    v.capacity_weight_tonnes,
    coalesce(sum(o.volume_m3), 0)::numeric(12, 3) AS volume_m3,
    v.capacity_volume_m3
FROM logistics.routes AS r
JOIN logistics.vehicles AS v
    ON v.id = r.vehicle_id
JOIN logistics.orders AS o
    ON o.assigned_route_id = r.id
    AND o.status <> 'cancelled'
GROUP BY r.id, v.id
HAVING sum(o.weight_tonnes) > v.capacity_weight_tonnes
    OR sum(o.volume_m3) > v.capacity_volume_m3
ORDER BY r.route_code;
