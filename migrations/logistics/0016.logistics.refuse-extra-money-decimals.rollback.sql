-- Undo 0016.logistics.refuse-extra-money-decimals (the columns are numeric(19, 4) again: a rewrite).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

GRANT INSERT (outcome_code, route_id, decision_id, estimated_cost, estimated_duration_minutes, estimated_distance_km, actual_cost, actual_duration_minutes, actual_distance_km, total_revenue, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics)
    ON TABLE logistics.operational_outcomes TO logistics_app;

DROP FUNCTION logistics.record_outcome(text, uuid, numeric, integer, numeric, numeric, integer, integer, integer, jsonb);

ALTER TABLE logistics.orders DROP CONSTRAINT orders_price_kes_scale_check;

ALTER TABLE logistics.routes DROP CONSTRAINT routes_actual_cost_kes_scale_check;

ALTER TABLE logistics.routes DROP CONSTRAINT routes_estimated_cost_kes_scale_check;

ALTER TABLE logistics.decisions DROP CONSTRAINT decisions_total_cost_estimate_scale_check;

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_driver_cost_per_hour_scale_check;

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_fuel_cost_per_km_scale_check;

ALTER TABLE logistics.orders ALTER COLUMN price_kes TYPE numeric(19, 4);

ALTER TABLE logistics.routes ALTER COLUMN actual_cost_kes TYPE numeric(19, 4);

ALTER TABLE logistics.routes ALTER COLUMN estimated_cost_kes TYPE numeric(19, 4);

ALTER TABLE logistics.decisions ALTER COLUMN total_cost_estimate TYPE numeric(19, 4);

ALTER TABLE logistics.vehicles ALTER COLUMN driver_cost_per_hour TYPE numeric(19, 4);

ALTER TABLE logistics.vehicles ALTER COLUMN fuel_cost_per_km TYPE numeric(19, 4);
