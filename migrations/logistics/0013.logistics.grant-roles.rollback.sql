-- Undo 0013.logistics.grant-roles: no row-level security on logistics.users, no grants to the
-- logistics roles, and EXECUTE back to PUBLIC on the functions that had it (the default). The
-- roles themselves stay: they belong to the cluster.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP POLICY users_owner_all ON logistics.users;

DROP POLICY users_readonly_all ON logistics.users;

DROP POLICY users_app_own ON logistics.users;

ALTER TABLE logistics.users NO FORCE ROW LEVEL SECURITY;

ALTER TABLE logistics.users DISABLE ROW LEVEL SECURITY;

REVOKE ALL ON ALL TABLES IN SCHEMA logistics FROM logistics_app, logistics_readonly;

REVOKE ALL (id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at)
    ON TABLE logistics.users FROM logistics_app, logistics_readonly;

REVOKE ALL (customer_code, customer_name, email, phone, address, constraints, preferences)
    ON TABLE logistics.customers FROM logistics_app;

REVOKE ALL (vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, status, available_at, fuel_cost_per_km, driver_cost_per_hour)
    ON TABLE logistics.vehicles FROM logistics_app;

REVOKE ALL (decision_code, decision_type, policy_used, state_snapshot, total_cost_estimate, decision_confidence, computation_time_ms, committed, committed_at, executed, executed_at)
    ON TABLE logistics.decisions FROM logistics_app;

REVOKE ALL (route_code, vehicle_id, decision_id, period, total_distance_km, estimated_duration_minutes, estimated_cost_kes, status, started_at, completed_at, actual_distance_km, actual_duration_minutes, actual_cost_kes)
    ON TABLE logistics.routes FROM logistics_app;

REVOKE ALL (order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, time_window, priority, special_handling, price_kes, status, assigned_route_id)
    ON TABLE logistics.orders FROM logistics_app;

REVOKE ALL (route_id, order_id, stop_type, sequence_order, latitude, longitude, address, estimated_arrival_at, estimated_departure_at, actual_arrival_at, actual_departure_at)
    ON TABLE logistics.route_stops FROM logistics_app;

REVOKE ALL (outcome_code, route_id, decision_id, estimated_cost, estimated_duration_minutes, estimated_distance_km, actual_cost, actual_duration_minutes, actual_distance_km, total_revenue, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics)
    ON TABLE logistics.operational_outcomes FROM logistics_app;

REVOKE ALL ON FUNCTION logistics.assign_orders(uuid, uuid[]) FROM logistics_app;

REVOKE ALL ON FUNCTION logistics._check_route_capacity(uuid) FROM logistics_app;

REVOKE ALL ON FUNCTION logistics.earth_distance_m(public.cube, public.cube) FROM logistics_app, logistics_readonly;

REVOKE ALL ON FUNCTION logistics.earth_point(double precision, double precision) FROM logistics_app, logistics_readonly;

REVOKE ALL ON FUNCTION core.current_user_id() FROM logistics_app;

REVOKE ALL ON FUNCTION core.uuid_v7() FROM logistics_app;

REVOKE ALL ON SCHEMA core, logistics FROM logistics_app, logistics_readonly;

GRANT EXECUTE ON FUNCTION logistics.assign_orders(uuid, uuid[]) TO PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.tg_vehicles__check_capacity() TO PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.tg_routes__check_capacity() TO PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.tg_orders__check_route_capacity() TO PUBLIC;

GRANT EXECUTE ON FUNCTION logistics._check_route_capacity(uuid) TO PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.tg_decisions__protect_committed() TO PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.earth_distance_m(public.cube, public.cube) TO PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.earth_point(double precision, double precision) TO PUBLIC;
