-- Bad input refused by the database. NaN and infinity: 'NaN' sorts above every number, so a
-- CHECK (x >= 0) or (x > 0) lets it in; every numeric column whose checks would not already refuse
-- it gets <table>_<column>_finite_check (latitudes, longitudes and decision_confidence are refused
-- by their range checks; integers cannot hold NaN). Lengths: every text column gets a bound, stated
-- in its COMMENT; where a pattern or a list of values already bounds a column, the COMMENT says so
-- and no new check is needed. The name checks trimmed blanks before measuring (1 MB of spaces around
-- one letter passed): <table>_<column>_length_check measures the value itself. jsonb documents are
-- bounded by the size of their text. Added NOT VALID (no scan under the lock); 0015 validates them.
-- depends: 0013.logistics.grant-roles 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_capacity_weight_tonnes_finite_check CHECK (capacity_weight_tonnes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT vehicles_capacity_weight_tonnes_finite_check ON logistics.vehicles IS 'capacity_weight_tonnes must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_capacity_volume_m3_finite_check CHECK (capacity_volume_m3 NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT vehicles_capacity_volume_m3_finite_check ON logistics.vehicles IS 'capacity_volume_m3 must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_fuel_cost_per_km_finite_check CHECK (fuel_cost_per_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT vehicles_fuel_cost_per_km_finite_check ON logistics.vehicles IS 'fuel_cost_per_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_driver_cost_per_hour_finite_check CHECK (driver_cost_per_hour NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT vehicles_driver_cost_per_hour_finite_check ON logistics.vehicles IS 'driver_cost_per_hour must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.decisions ADD CONSTRAINT decisions_total_cost_estimate_finite_check CHECK (total_cost_estimate NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT decisions_total_cost_estimate_finite_check ON logistics.decisions IS 'total_cost_estimate must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.routes ADD CONSTRAINT routes_total_distance_km_finite_check CHECK (total_distance_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT routes_total_distance_km_finite_check ON logistics.routes IS 'total_distance_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.routes ADD CONSTRAINT routes_estimated_cost_kes_finite_check CHECK (estimated_cost_kes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT routes_estimated_cost_kes_finite_check ON logistics.routes IS 'estimated_cost_kes must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.routes ADD CONSTRAINT routes_actual_distance_km_finite_check CHECK (actual_distance_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT routes_actual_distance_km_finite_check ON logistics.routes IS 'actual_distance_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.routes ADD CONSTRAINT routes_actual_cost_kes_finite_check CHECK (actual_cost_kes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT routes_actual_cost_kes_finite_check ON logistics.routes IS 'actual_cost_kes must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.orders ADD CONSTRAINT orders_weight_tonnes_finite_check CHECK (weight_tonnes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT orders_weight_tonnes_finite_check ON logistics.orders IS 'weight_tonnes must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.orders ADD CONSTRAINT orders_volume_m3_finite_check CHECK (volume_m3 NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT orders_volume_m3_finite_check ON logistics.orders IS 'volume_m3 must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.orders ADD CONSTRAINT orders_price_kes_finite_check CHECK (price_kes NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT orders_price_kes_finite_check ON logistics.orders IS 'price_kes must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_estimated_cost_finite_check CHECK (estimated_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_estimated_cost_finite_check ON logistics.operational_outcomes IS 'estimated_cost must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_estimated_distance_km_finite_check CHECK (estimated_distance_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_estimated_distance_km_finite_check ON logistics.operational_outcomes IS 'estimated_distance_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_actual_cost_finite_check CHECK (actual_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_actual_cost_finite_check ON logistics.operational_outcomes IS 'actual_cost must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_actual_distance_km_finite_check CHECK (actual_distance_km NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_actual_distance_km_finite_check ON logistics.operational_outcomes IS 'actual_distance_km must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_total_revenue_finite_check CHECK (total_revenue NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_total_revenue_finite_check ON logistics.operational_outcomes IS 'total_revenue must be a finite number (not NaN or infinity)';

ALTER TABLE logistics.users ADD CONSTRAINT users_password_hash_length_check CHECK (length(password_hash) <= 255) NOT VALID;

COMMENT ON CONSTRAINT users_password_hash_length_check ON logistics.users IS 'password_hash must have at most 255 characters';

ALTER TABLE logistics.customers ADD CONSTRAINT customers_customer_name_length_check CHECK (length(customer_name) <= 200) NOT VALID;

COMMENT ON CONSTRAINT customers_customer_name_length_check ON logistics.customers IS 'customer_name must have 1 to 200 characters';

ALTER TABLE logistics.customers ADD CONSTRAINT customers_address_length_check CHECK (length(address) <= 500) NOT VALID;

COMMENT ON CONSTRAINT customers_address_length_check ON logistics.customers IS 'address must have at most 500 characters';

ALTER TABLE logistics.customers ADD CONSTRAINT customers_constraints_length_check CHECK (octet_length(constraints::text) <= 16384) NOT VALID;

COMMENT ON CONSTRAINT customers_constraints_length_check ON logistics.customers IS 'constraints must be at most 16 kB of JSON';

ALTER TABLE logistics.customers ADD CONSTRAINT customers_preferences_length_check CHECK (octet_length(preferences::text) <= 16384) NOT VALID;

COMMENT ON CONSTRAINT customers_preferences_length_check ON logistics.customers IS 'preferences must be at most 16 kB of JSON';

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_vehicle_type_length_check CHECK (length(vehicle_type) <= 50) NOT VALID;

COMMENT ON CONSTRAINT vehicles_vehicle_type_length_check ON logistics.vehicles IS 'vehicle_type must have 1 to 50 characters';

ALTER TABLE logistics.decisions ADD CONSTRAINT decisions_state_snapshot_length_check CHECK (octet_length(state_snapshot::text) <= 1048576) NOT VALID;

COMMENT ON CONSTRAINT decisions_state_snapshot_length_check ON logistics.decisions IS 'state_snapshot must be at most 1 MB of JSON';

ALTER TABLE logistics.orders ADD CONSTRAINT orders_pickup_address_length_check CHECK (length(pickup_address) <= 500) NOT VALID;

COMMENT ON CONSTRAINT orders_pickup_address_length_check ON logistics.orders IS 'pickup_address must have at most 500 characters';

ALTER TABLE logistics.orders ADD CONSTRAINT orders_destination_city_length_check CHECK (length(destination_city) <= 100) NOT VALID;

COMMENT ON CONSTRAINT orders_destination_city_length_check ON logistics.orders IS 'destination_city must have 1 to 100 characters';

ALTER TABLE logistics.orders ADD CONSTRAINT orders_destination_address_length_check CHECK (length(destination_address) <= 500) NOT VALID;

COMMENT ON CONSTRAINT orders_destination_address_length_check ON logistics.orders IS 'destination_address must have at most 500 characters';

ALTER TABLE logistics.orders ADD CONSTRAINT orders_special_handling_length_check CHECK (array_to_string(special_handling, E'\n') ~ '^([^\n]{0,50}(\n|$))*$') NOT VALID;

COMMENT ON CONSTRAINT orders_special_handling_length_check ON logistics.orders IS 'special_handling tags must have at most 50 characters each';

ALTER TABLE logistics.route_stops ADD CONSTRAINT route_stops_address_length_check CHECK (length(address) <= 500) NOT VALID;

COMMENT ON CONSTRAINT route_stops_address_length_check ON logistics.route_stops IS 'address must have at most 500 characters';

ALTER TABLE logistics.operational_outcomes ADD CONSTRAINT operational_outcomes_additional_metrics_length_check CHECK (octet_length(additional_metrics::text) <= 65536) NOT VALID;

COMMENT ON CONSTRAINT operational_outcomes_additional_metrics_length_check ON logistics.operational_outcomes IS 'additional_metrics must be at most 64 kB of JSON';

COMMENT ON COLUMN logistics.users.email IS 'Unique regardless of case; at most 254 characters.';

COMMENT ON COLUMN logistics.users.password_hash IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash, at most 255 characters; never a password.';

COMMENT ON COLUMN logistics.customers.customer_code IS 'Business key (the seed''s customer_id), e.g. CUST-001; 1 to 64 letters, digits, dots, dashes or underscores; unique.';

COMMENT ON COLUMN logistics.customers.customer_name IS '1 to 200 characters.';

COMMENT ON COLUMN logistics.customers.email IS 'At most 254 characters, name@domain.tld.';

COMMENT ON COLUMN logistics.customers.address IS 'Free text, at most 500 characters.';

COMMENT ON COLUMN logistics.customers.constraints IS 'Service constraints as a jsonb object, e.g. {"max_wait_hours": 24}; at most 16 kB as text.';

COMMENT ON COLUMN logistics.customers.preferences IS 'Preferences as a jsonb object, e.g. {"preferred_vehicle_type": "5T"}; at most 16 kB as text.';

COMMENT ON COLUMN logistics.vehicles.vehicle_code IS 'Business key (the seed''s vehicle_id), e.g. a fleet number; 1 to 64 letters, digits, dots, dashes or underscores; unique.';

COMMENT ON COLUMN logistics.vehicles.vehicle_type IS 'Free text, e.g. 5T Truck; 1 to 50 characters.';

COMMENT ON COLUMN logistics.decisions.decision_code IS 'Business key (the seed''s decision_id); 1 to 64 letters, digits, dots, dashes or underscores; unique.';

COMMENT ON COLUMN logistics.decisions.decision_type IS 'What kind of decision, lower snake case of at most 50 characters, e.g. daily_route_planning or order_arrival.';

COMMENT ON COLUMN logistics.decisions.state_snapshot IS 'The system state the policy saw (pending orders, fleet, time), a jsonb object of at most 1 MB as text.';

COMMENT ON COLUMN logistics.routes.route_code IS 'Business key (the seed''s route_id); 1 to 64 letters, digits, dots, dashes or underscores; unique.';

COMMENT ON COLUMN logistics.orders.order_code IS 'Business key (the seed''s order_id); 1 to 64 letters, digits, dots, dashes or underscores; unique.';

COMMENT ON COLUMN logistics.orders.pickup_address IS 'Free text, at most 500 characters.';

COMMENT ON COLUMN logistics.orders.destination_city IS '1 to 100 characters.';

COMMENT ON COLUMN logistics.orders.destination_address IS 'Free text, at most 500 characters.';

COMMENT ON COLUMN logistics.orders.special_handling IS 'Handling tags, e.g. {fragile,refrigerated}: at most 20, each at most 50 characters.';

COMMENT ON COLUMN logistics.route_stops.address IS 'Free text, at most 500 characters.';

COMMENT ON COLUMN logistics.operational_outcomes.outcome_code IS 'Business key (the seed''s outcome_id); 1 to 64 letters, digits, dots, dashes or underscores; unique.';

COMMENT ON COLUMN logistics.operational_outcomes.additional_metrics IS 'Anything else measured, a jsonb object of at most 64 kB as text.';
