-- Undo 0014.logistics.add-finite-and-length-checks.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

COMMENT ON COLUMN logistics.operational_outcomes.additional_metrics IS 'Anything else measured, a jsonb object.';

COMMENT ON COLUMN logistics.operational_outcomes.outcome_code IS 'Business key (the seed''s outcome_id); unique.';

COMMENT ON COLUMN logistics.route_stops.address IS NULL;

COMMENT ON COLUMN logistics.orders.special_handling IS 'Handling tags, e.g. {fragile,refrigerated}.';

COMMENT ON COLUMN logistics.orders.destination_address IS NULL;

COMMENT ON COLUMN logistics.orders.destination_city IS NULL;

COMMENT ON COLUMN logistics.orders.pickup_address IS NULL;

COMMENT ON COLUMN logistics.orders.order_code IS 'Business key (the seed''s order_id); unique.';

COMMENT ON COLUMN logistics.routes.route_code IS 'Business key (the seed''s route_id); unique.';

COMMENT ON COLUMN logistics.decisions.state_snapshot IS 'The system state the policy saw (pending orders, fleet, time), a jsonb object.';

COMMENT ON COLUMN logistics.decisions.decision_type IS 'What kind of decision, lower snake case, e.g. daily_route_planning or order_arrival.';

COMMENT ON COLUMN logistics.decisions.decision_code IS 'Business key (the seed''s decision_id); unique.';

COMMENT ON COLUMN logistics.vehicles.vehicle_type IS 'Free text, e.g. 5T Truck.';

COMMENT ON COLUMN logistics.vehicles.vehicle_code IS 'Business key (the seed''s vehicle_id), e.g. a fleet number; unique.';

COMMENT ON COLUMN logistics.customers.preferences IS 'Preferences as a jsonb object, e.g. {"preferred_vehicle_type": "5T"}.';

COMMENT ON COLUMN logistics.customers.constraints IS 'Service constraints as a jsonb object, e.g. {"max_wait_hours": 24}.';

COMMENT ON COLUMN logistics.customers.address IS NULL;

COMMENT ON COLUMN logistics.customers.email IS NULL;

COMMENT ON COLUMN logistics.customers.customer_name IS NULL;

COMMENT ON COLUMN logistics.customers.customer_code IS 'Business key (the seed''s customer_id), e.g. CUST-001; unique.';

COMMENT ON COLUMN logistics.users.password_hash IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password.';

COMMENT ON COLUMN logistics.users.email IS 'Unique regardless of case.';

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_additional_metrics_length_check;

ALTER TABLE logistics.route_stops DROP CONSTRAINT route_stops_address_length_check;

ALTER TABLE logistics.orders DROP CONSTRAINT orders_special_handling_length_check;

ALTER TABLE logistics.orders DROP CONSTRAINT orders_destination_address_length_check;

ALTER TABLE logistics.orders DROP CONSTRAINT orders_destination_city_length_check;

ALTER TABLE logistics.orders DROP CONSTRAINT orders_pickup_address_length_check;

ALTER TABLE logistics.decisions DROP CONSTRAINT decisions_state_snapshot_length_check;

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_vehicle_type_length_check;

ALTER TABLE logistics.customers DROP CONSTRAINT customers_preferences_length_check;

ALTER TABLE logistics.customers DROP CONSTRAINT customers_constraints_length_check;

ALTER TABLE logistics.customers DROP CONSTRAINT customers_address_length_check;

ALTER TABLE logistics.customers DROP CONSTRAINT customers_customer_name_length_check;

ALTER TABLE logistics.users DROP CONSTRAINT users_password_hash_length_check;

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_total_revenue_finite_check;

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_actual_distance_km_finite_check;

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_actual_cost_finite_check;

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_estimated_distance_km_finite_check;

ALTER TABLE logistics.operational_outcomes DROP CONSTRAINT operational_outcomes_estimated_cost_finite_check;

ALTER TABLE logistics.orders DROP CONSTRAINT orders_price_kes_finite_check;

ALTER TABLE logistics.orders DROP CONSTRAINT orders_volume_m3_finite_check;

ALTER TABLE logistics.orders DROP CONSTRAINT orders_weight_tonnes_finite_check;

ALTER TABLE logistics.routes DROP CONSTRAINT routes_actual_cost_kes_finite_check;

ALTER TABLE logistics.routes DROP CONSTRAINT routes_actual_distance_km_finite_check;

ALTER TABLE logistics.routes DROP CONSTRAINT routes_estimated_cost_kes_finite_check;

ALTER TABLE logistics.routes DROP CONSTRAINT routes_total_distance_km_finite_check;

ALTER TABLE logistics.decisions DROP CONSTRAINT decisions_total_cost_estimate_finite_check;

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_driver_cost_per_hour_finite_check;

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_fuel_cost_per_km_finite_check;

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_capacity_volume_m3_finite_check;

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_capacity_weight_tonnes_finite_check;
