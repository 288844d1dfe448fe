-- Validates the scale checks 0016 added NOT VALID.
-- depends: 0016.logistics.refuse-extra-money-decimals 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE logistics.vehicles VALIDATE CONSTRAINT vehicles_fuel_cost_per_km_scale_check;

ALTER TABLE logistics.vehicles VALIDATE CONSTRAINT vehicles_driver_cost_per_hour_scale_check;

ALTER TABLE logistics.decisions VALIDATE CONSTRAINT decisions_total_cost_estimate_scale_check;

ALTER TABLE logistics.routes VALIDATE CONSTRAINT routes_estimated_cost_kes_scale_check;

ALTER TABLE logistics.routes VALIDATE CONSTRAINT routes_actual_cost_kes_scale_check;

ALTER TABLE logistics.orders VALIDATE CONSTRAINT orders_price_kes_scale_check;
