-- Undo 0015.logistics.validate-finite-and-length-checks: the checks are NOT VALID again (there is
-- no way back but dropping and adding them so).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_additional_metrics_length_check;

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_additional_metrics_length_check CHECK (octet_length(additional_metrics::text) <= 65536) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_additional_metrics_length_check ON logistics.operational_outcomes IS 'additional_metrics must be at most 64 kB of JSON';

ALTER TABLE logistics.route_stops DROP CONSTRAINT route_stops_address_length_check;

ALTER TABLE logistics.route_stops ADD CONSTRAINT route_stops_address_length_check CHECK (length(address) <= 500) NOT VALID;

COMMENT ON CONSTRAINT route_stops_address_length_check ON logistics.route_stops IS 'address must have at most 500 characters';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_special_handling_length_check;

ALTER TABLE logistics.orders ADD CONSTRAINT orders_special_handling_length_check CHECK (array_to_string(special_handling, E'\n') ~ '^([^\n]{0,50}(\n|$))*$') NOT VALID;

COMMENT ON CONSTRAINT orders_special_handling_length_check ON logistics.orders IS 'special_handling tags must have at most 50 characters each';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_destination_address_length_check;

ALTER TABLE logistics.orders ADD CONSTRAINT orders_destination_address_length_check CHECK (length(destination_address) <= 500) NOT VALID;

COMMENT ON CONSTRAINT orders_destination_address_length_check ON logistics.orders IS 'destination_address must have at most 500 characters';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_destination_city_length_check;

ALTER TABLE logistics.orders ADD CONSTRAINT orders_destination_city_length_check CHECK (length(destination_city) <= 100) NOT VALID;

COMMENT ON CONSTRAINT orders_destination_city_length_check ON logistics.orders IS 'destination_city must have 1 to 100 characters';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_pickup_address_length_check;

ALTER TABLE logistics.orders ADD CONSTRAINT orders_pickup_address_length_check CHECK (length(pickup_address) <= 500) NOT VALID;

COMMENT ON CONSTRAINT orders_pickup_address_length_check ON logistics.orders IS 'pickup_address must have at most 500 characters';

ALTER TABLE logistics.decisions DROP CONSTRAINT decisions_state_snapshot_length_check;

ALTER TABLE logistics.decisions ADD CONSTRAINT decisions_state_snapshot_length_check CHECK (octet_length(state_snapshot::text) <= 1048576) NOT VALID;

COMMENT ON CONSTRAINT decisions_state_snapshot_length_check ON logistics.decisions IS 'state_snapshot must be at most 1 MB of JSON';

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_vehicle_type_length_check;

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_vehicle_type_length_check CHECK (length(vehicle_type) <= 50) NOT VALID;

COMMENT ON CONSTRAINT vehicles_vehicle_type_length_check ON logistics.vehicles IS 'vehicle_type must have 1 to 50 characters';

ALTER TABLE logistics.customers DROP CONSTRAINT customers_preferences_length_check;

ALTER TABLE logistics.customers ADD CONSTRAINT customers_preferences_length_check CHECK (octet_length(preferences::text) <= 16384) NOT VALID;

COMMENT ON CONSTRAINT customers_preferences_length_check ON logistics.customers IS 'preferences must be at most 16 kB of JSON';

ALTER TABLE logistics.customers DROP CONSTRAINT customers_constraints_length_check;

ALTER TABLE logistics.customers ADD CONSTRAINT customers_constraints_length_check CHECK (octet_length(constraints::text) <= 16384) NOT VALID;

COMMENT ON CONSTRAINT customers_constraints_length_check ON logistics.customers IS 'constraints must be at most 16 kB of JSON';

ALTER TABLE logistics.customers DROP CONSTRAINT customers_address_length_check;

ALTER TABLE logistics.customers ADD CONSTRAINT customers_address_length_check CHECK (length(address) <= 500) NOT VALID;

COMMENT ON CONSTRAINT customers_address_length_check ON logistics.customers IS 'address must have at most 500 characters';

ALTER TABLE logistics.customers DROP CONSTRAINT customers_customer_name_length_check;

ALTER TABLE logistics.customers ADD CONSTRAINT customers_customer_name_length_check CHECK (length(customer_name) <= 200) NOT VALID;

COMMENT ON CONSTRAINT customers_customer_name_length_check ON logistics.customers IS 'customer_name must have 1 to 200 characters';

ALTER TABLE logistics.users DROP CONSTRAINT users_password_hash_length_check;

ALTER TABLE logistics.users ADD CONSTRAINT users_password_hash_length_check CHECK (length(password_hash) <= 255) NOT VALID;

COMMENT ON CONSTRAINT users_password_hash_length_check ON logistics.users IS 'password_hash must have at most 255 characters';

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_total_revenue_finite_check;

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_total_revenue_finite_check CHECK (total_revenue NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_total_revenue_finite_check ON logistics.operational_outcomes IS 'total_revenue must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_actual_distance_km_finite_check;

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_actual_distance_km_finite_check CHECK (actual_distance_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_actual_distance_km_finite_check ON logistics.operational_outcomes IS 'actual_distance_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_actual_cost_finite_check;

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_actual_cost_finite_check CHECK (actual_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_actual_cost_finite_check ON logistics.operational_outcomes IS 'actual_cost must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_estimated_distance_km_finite_check;

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_estimated_distance_km_finite_check CHECK (estimated_distance_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_estimated_distance_km_finite_check ON logistics.operational_outcomes IS 'estimated_distance_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_estimated_cost_finite_check;

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_estimated_cost_finite_check CHECK (estimated_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_estimated_cost_finite_check ON logistics.operational_outcomes IS 'estimated_cost must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_price_kes_finite_check;

ALTER TABLE logistics.orders ADD CONSTRAINT orders_price_kes_finite_check CHECK (price_kes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT orders_price_kes_finite_check ON logistics.orders IS 'price_kes must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_volume_m3_finite_check;

ALTER TABLE logistics.orders ADD CONSTRAINT orders_volume_m3_finite_check CHECK (volume_m3 NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT orders_volume_m3_finite_check ON logistics.orders IS 'volume_m3 must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_weight_tonnes_finite_check;

ALTER TABLE logistics.orders ADD CONSTRAINT orders_weight_tonnes_finite_check CHECK (weight_tonnes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT orders_weight_tonnes_finite_check ON logistics.orders IS 'weight_tonnes must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.routes DROP CONSTRAINT routes_actual_cost_kes_finite_check;

ALTER TABLE logistics.routes ADD CONSTRAINT routes_actual_cost_kes_finite_check CHECK (actual_cost_kes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT routes_actual_cost_kes_finite_check ON logistics.routes IS 'actual_cost_kes must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.routes DROP CONSTRAINT routes_actual_distance_km_finite_check;

ALTER TABLE logistics.routes ADD CONSTRAINT routes_actual_distance_km_finite_check CHECK (actual_distance_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT routes_actual_distance_km_finite_check ON logistics.routes IS 'actual_distance_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.routes DROP CONSTRAINT routes_estimated_cost_kes_finite_check;

ALTER TABLE logistics.routes ADD CONSTRAINT routes_estimated_cost_kes_finite_check CHECK (estimated_cost_kes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT routes_estimated_cost_kes_finite_check ON logistics.routes IS 'estimated_cost_kes must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.routes DROP CONSTRAINT routes_total_distance_km_finite_check;

ALTER TABLE logistics.routes ADD CONSTRAINT routes_total_distance_km_finite_check CHECK (total_distance_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT routes_total_distance_km_finite_check ON logistics.routes IS 'total_distance_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.decisions DROP CONSTRAINT decisions_total_cost_estimate_finite_check;

ALTER TABLE logistics.decisions ADD CONSTRAINT decisions_total_cost_estimate_finite_check CHECK (total_cost_estimate NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT decisions_total_cost_estimate_finite_check ON logistics.decisions IS 'total_cost_estimate must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_driver_cost_per_hour_finite_check;

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_driver_cost_per_hour_finite_check CHECK (driver_cost_per_hour NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT vehicles_driver_cost_per_hour_finite_check ON logistics.vehicles IS 'driver_cost_per_hour must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_fuel_cost_per_km_finite_check;

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_fuel_cost_per_km_finite_check CHECK (fuel_cost_per_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT vehicles_fuel_cost_per_km_finite_check ON logistics.vehicles IS 'fuel_cost_per_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_capacity_volume_m3_finite_check;

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_capacity_volume_m3_finite_check CHECK (capacity_volume_m3 NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT vehicles_capacity_volume_m3_finite_check ON logistics.vehicles IS 'capacity_volume_m3 must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_capacity_weight_tonnes_finite_check;

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_capacity_weight_tonnes_finite_check CHECK (capacity_weight_tonnes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT vehicles_capacity_weight_tonnes_finite_check ON logistics.vehicles IS 'capacity_weight_tonnes must be a finite number (not NaN or infinity)';
