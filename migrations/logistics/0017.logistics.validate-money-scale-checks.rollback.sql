-- Undo 0017.logistics.validate-money-scale-checks: the checks are NOT VALID again.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE logistics.orders DROP CONSTRAINT orders_price_kes_scale_check;

ALTER TABLE logistics.orders ADD CONSTRAINT orders_price_kes_scale_check CHECK (price_kes = round(price_kes, 4) AND abs(price_kes) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT orders_price_kes_scale_check ON logistics.orders IS 'price_kes must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.routes DROP CONSTRAINT routes_actual_cost_kes_scale_check;

ALTER TABLE logistics.routes ADD CONSTRAINT routes_actual_cost_kes_scale_check CHECK (actual_cost_kes = round(actual_cost_kes, 4) AND abs(actual_cost_kes) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT routes_actual_cost_kes_scale_check ON logistics.routes IS 'actual_cost_kes must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.routes DROP CONSTRAINT routes_estimated_cost_kes_scale_check;

ALTER TABLE logistics.routes ADD CONSTRAINT routes_estimated_cost_kes_scale_check CHECK (estimated_cost_kes = round(estimated_cost_kes, 4) AND abs(estimated_cost_kes) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT routes_estimated_cost_kes_scale_check ON logistics.routes IS 'estimated_cost_kes must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.decisions DROP CONSTRAINT decisions_total_cost_estimate_scale_check;

ALTER TABLE logistics.decisions ADD CONSTRAINT decisions_total_cost_estimate_scale_check CHECK (total_cost_estimate = round(total_cost_estimate, 4) AND abs(total_cost_estimate) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT decisions_total_cost_estimate_scale_check ON logistics.decisions IS 'total_cost_estimate must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_driver_cost_per_hour_scale_check;

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_driver_cost_per_hour_scale_check CHECK (driver_cost_per_hour = round(driver_cost_per_hour, 4) AND abs(driver_cost_per_hour) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT vehicles_driver_cost_per_hour_scale_check ON logistics.vehicles IS 'driver_cost_per_hour must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.vehicles DROP CONSTRAINT vehicles_fuel_cost_per_km_scale_check;

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_fuel_cost_per_km_scale_check CHECK (fuel_cost_per_km = round(fuel_cost_per_km, 4) AND abs(fuel_cost_per_km) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT vehicles_fuel_cost_per_km_scale_check ON logistics.vehicles IS 'fuel_cost_per_km must have at most 4 decimals and at most 15 digits before the point';
