-- Least privilege for the logistics roles, and row-level security on logistics.users.
--
-- Nothing in schema logistics is granted to PUBLIC any more (functions had EXECUTE by default).
--   logistics_app       the Senga service: USAGE on core and logistics, EXECUTE on core.uuid_v7()
--                       (key defaults) and core.current_user_id() (the users policy); SELECT on
--                       the operational tables, INSERT of the columns its create_* queries write
--                       (keys, timestamps, statuses and generated columns keep their defaults),
--                       UPDATE of the columns its update_* queries change, DELETE on decisions
--                       only (a committed one is still refused by its trigger); no TRUNCATE, no
--                       REFERENCES, no TRIGGER, no DDL. On logistics.users: SELECT of every column
--                       but password_hash and UPDATE of last_login_at, on its own row only; sign-in
--                       and user administration go through the definer functions of 0011.
--                       EXECUTE on assign_orders, on the geo functions, and on
--                       _check_route_capacity (the capacity triggers call it as the writer).
--   logistics_readonly  reporting: SELECT on every table (users without password_hash, all rows)
--                       and the audit view, EXECUTE on the geo functions.
-- There are no cross-user background jobs in logistics, so no worker role.
-- Customers, orders, vehicles, routes, stops, decisions and outcomes belong to the operation, not
-- to a user (every dispatcher works on the same fleet and orders): they carry no owner column and
-- get no per-user policy. logistics.users is the one table a user owns (its own row): RLS enabled
-- and forced, users_app_own for the service (the row of core.current_user_id(); no setting, no
-- row), users_readonly_all for reporting, users_owner_all for datalayer_owner (FORCE applies to it,
-- and the definer functions run as it).
-- depends: 0012.logistics.create-audit-log-view 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

REVOKE ALL ON SCHEMA logistics FROM PUBLIC;

REVOKE ALL ON ALL TABLES IN SCHEMA logistics FROM PUBLIC;

REVOKE ALL ON ALL SEQUENCES IN SCHEMA logistics FROM PUBLIC;

REVOKE ALL ON FUNCTION logistics.earth_point(double precision, double precision) FROM PUBLIC;

REVOKE ALL ON FUNCTION logistics.earth_distance_m(public.cube, public.cube) FROM PUBLIC;

REVOKE ALL ON FUNCTION logistics.tg_decisions__protect_committed() FROM PUBLIC;

REVOKE ALL ON FUNCTION logistics._check_route_capacity(uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION logistics.tg_orders__check_route_capacity() FROM PUBLIC;

REVOKE ALL ON FUNCTION logistics.tg_routes__check_capacity() FROM PUBLIC;

REVOKE ALL ON FUNCTION logistics.tg_vehicles__check_capacity() FROM PUBLIC;

REVOKE ALL ON FUNCTION logistics.assign_orders(uuid, uuid[]) FROM PUBLIC;

GRANT USAGE ON SCHEMA core, logistics TO logistics_app, logistics_readonly;

GRANT EXECUTE ON FUNCTION core.uuid_v7() TO logistics_app;

GRANT EXECUTE ON FUNCTION core.current_user_id() TO logistics_app;

GRANT EXECUTE ON FUNCTION logistics.earth_point(double precision, double precision) TO logistics_app, logistics_readonly;

GRANT EXECUTE ON FUNCTION logistics.earth_distance_m(public.cube, public.cube) TO logistics_app, logistics_readonly;

GRANT EXECUTE ON FUNCTION logistics._check_route_capacity(uuid) TO logistics_app;

GRANT EXECUTE ON FUNCTION logistics.assign_orders(uuid, uuid[]) TO logistics_app;

GRANT SELECT (id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at),
    UPDATE (last_login_at)
    ON TABLE logistics.users TO logistics_app;

GRANT SELECT,
    INSERT (customer_code, customer_name, email, phone, address, constraints, preferences),
    UPDATE (constraints, preferences)
    ON TABLE logistics.customers TO logistics_app;

GRANT SELECT,
    INSERT (vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3, current_latitude, current_longitude, fuel_cost_per_km, driver_cost_per_hour),
    UPDATE (current_latitude, current_longitude, status, available_at)
    ON TABLE logistics.vehicles TO logistics_app;

GRANT SELECT,
    INSERT (decision_code, decision_type, policy_used, state_snapshot, total_cost_estimate, decision_confidence, computation_time_ms),
    UPDATE (committed, committed_at, executed, executed_at),
    DELETE
    ON TABLE logistics.decisions TO logistics_app;

GRANT SELECT,
    INSERT (route_code, vehicle_id, decision_id, period, total_distance_km, estimated_duration_minutes, estimated_cost_kes),
    UPDATE (status, started_at, completed_at, actual_distance_km, actual_duration_minutes, actual_cost_kes)
    ON TABLE logistics.routes TO logistics_app;

GRANT SELECT,
    INSERT (order_code, customer_id, pickup_latitude, pickup_longitude, pickup_address, destination_city, destination_latitude, destination_longitude, destination_address, weight_tonnes, volume_m3, time_window, priority, special_handling, price_kes),
    UPDATE (status, assigned_route_id)
    ON TABLE logistics.orders TO logistics_app;

GRANT SELECT,
    INSERT (route_id, order_id, stop_type, sequence_order, latitude, longitude, address, estimated_arrival_at, estimated_departure_at),
    UPDATE (actual_arrival_at, actual_departure_at)
    ON TABLE logistics.route_stops TO logistics_app;

GRANT SELECT,
    INSERT (outcome_code, route_id, decision_id, estimated_cost, estimated_duration_minutes, estimated_distance_km, actual_cost, actual_duration_minutes, actual_distance_km, total_revenue, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics)
    ON TABLE logistics.operational_outcomes TO logistics_app;

GRANT SELECT ON TABLE logistics.audit_log TO logistics_app;

GRANT SELECT (id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at)
    ON TABLE logistics.users TO logistics_readonly;

GRANT SELECT ON TABLE
    logistics.customers,
    logistics.vehicles,
    logistics.decisions,
    logistics.routes,
    logistics.orders,
    logistics.route_stops,
    logistics.operational_outcomes,
    logistics.audit_log
    TO logistics_readonly;

ALTER TABLE logistics.users ENABLE ROW LEVEL SECURITY;

ALTER TABLE logistics.users FORCE ROW LEVEL SECURITY;

CREATE POLICY users_app_own ON logistics.users
    TO logistics_app
    USING (id = core.current_user_id())
    WITH CHECK (id = core.current_user_id());

COMMENT ON POLICY users_app_own ON logistics.users IS 'The service sees and changes only the row of the user it acts for (datalayer.user_id); no setting, no row.';

CREATE POLICY users_readonly_all ON logistics.users
    FOR SELECT
    TO logistics_readonly
    USING (true);

COMMENT ON POLICY users_readonly_all ON logistics.users IS 'Reporting reads every user (its grants leave out password_hash).';

CREATE POLICY users_owner_all ON logistics.users
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY users_owner_all ON logistics.users IS 'The owner, and the definer functions that run as it (sign-in, user administration), see and change every row.';
