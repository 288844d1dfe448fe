-- Validates the checks 0014 added NOT VALID (a scan under SHARE UPDATE EXCLUSIVE: reads and writes
-- go on meanwhile). A row that breaks one stops the migration, naming the constraint.
-- depends: 0014.logistics.add-finite-and-length-checks 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE logistics.vehicles VALIDATE CONSTRAINT vehicles_capacity_weight_tonnes_finite_check;

ALTER TABLE logistics.vehicles VALIDATE CONSTRAINT vehicles_capacity_volume_m3_finite_check;

ALTER TABLE logistics.vehicles VALIDATE CONSTRAINT vehicles_fuel_cost_per_km_finite_check;

ALTER TABLE logistics.vehicles VALIDATE CONSTRAINT vehicles_driver_cost_per_hour_finite_check;

ALTER TABLE logistics.decisions VALIDATE CONSTRAINT decisions_total_cost_estimate_finite_check;

ALTER TABLE logistics.routes VALIDATE CONSTRAINT routes_total_distance_km_finite_check;

ALTER TABLE logistics.routes VALIDATE CONSTRAINT routes_estimated_cost_kes_finite_check;

ALTER TABLE logistics.routes VALIDATE CONSTRAINT routes_actual_distance_km_finite_check;

ALTER TABLE logistics.routes VALIDATE CONSTRAINT routes_actual_cost_kes_finite_check;

ALTER TABLE logistics.orders VALIDATE CONSTRAINT orders_weight_tonnes_finite_check;

ALTER TABLE logistics.orders VALIDATE CONSTRAINT orders_volume_m3_finite_check;

ALTER TABLE logistics.orders VALIDATE CONSTRAINT orders_price_kes_finite_check;

ALTER TABLE logistics.operational_outcomes VALIDATE CONSTRAINT operational_outcomes_estimated_cost_finite_check;

ALTER TABLE logistics.operational_outcomes VALIDATE CONSTRAINT operational_outcomes_estimated_distance_km_finite_check;

ALTER TABLE logistics.operational_outcomes VALIDATE CONSTRAINT operational_outcomes_actual_cost_finite_check;

ALTER TABLE logistics.operational_outcomes VALIDATE CONSTRAINT operational_outcomes_actual_distance_km_finite_check;

ALTER TABLE logistics.operational_outcomes VALIDATE CONSTRAINT operational_outcomes_total_revenue_finite_check;

ALTER TABLE logistics.users VALIDATE CONSTRAINT users_password_hash_length_check;

ALTER TABLE logistics.customers VALIDATE CONSTRAINT customers_customer_name_length_check;

ALTER TABLE logistics.customers VALIDATE CONSTRAINT customers_address_length_check;

ALTER TABLE logistics.customers VALIDATE CONSTRAINT customers_constraints_length_check;

ALTER TABLE logistics.customers VALIDATE CONSTRAINT customers_preferences_length_check;

ALTER TABLE logistics.vehicles VALIDATE CONSTRAINT vehicles_vehicle_type_length_check;

ALTER TABLE logistics.decisions VALIDATE CONSTRAINT decisions_state_snapshot_length_check;

ALTER TABLE logistics.orders VALIDATE CONSTRAINT orders_pickup_address_length_check;

ALTER TABLE logistics.orders VALIDATE CONSTRAINT orders_destination_city_length_check;

ALTER TABLE logistics.orders VALIDATE CONSTRAINT orders_destination_address_length_check;

ALTER TABLE logistics.orders VALIDATE CONSTRAINT orders_special_handling_length_check;

ALTER TABLE logistics.route_stops VALIDATE CONSTRAINT route_stops_address_length_check;

ALTER TABLE logistics.operational_outcomes VALIDATE CONSTRAINT operational_outcomes_additional_metrics_length_check;
