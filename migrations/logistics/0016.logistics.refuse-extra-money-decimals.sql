-- Money with more than 4 decimals refused, not rounded. A numeric(19, 4) column rounds its input
-- before any check sees it, so the KES columns that nothing else depends on become plain numeric
-- with <table>_<column>_scale_check (at most 4 decimals, at most 15 digits before the point: the
-- range numeric(19, 4) had). Dropping the type modifier rewrites nothing; the checks on these
-- columns are re-checked under the lock (small operational tables). The checks are added NOT
-- VALID and validated in 0017.
-- operational_outcomes' money columns feed its generated columns (prediction errors, net profit),
-- whose dependencies forbid a type change: instead the service records an outcome only through
-- logistics.record_outcome(...), a definer function taking unconstrained numerics that refuses
-- more than 4 decimals (operational_outcomes_actual_cost_scale_check,
-- operational_outcomes_total_revenue_scale_check) and copies the estimates and the decision from
-- the route itself; logistics_app loses INSERT on operational_outcomes.
-- depends: 0015.logistics.validate-finite-and-length-checks 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- squawk-ignore changing-column-type
ALTER TABLE logistics.vehicles ALTER COLUMN fuel_cost_per_km TYPE numeric;

-- squawk-ignore changing-column-type
ALTER TABLE logistics.vehicles ALTER COLUMN driver_cost_per_hour TYPE numeric;

-- squawk-ignore changing-column-type
ALTER TABLE logistics.decisions ALTER COLUMN total_cost_estimate TYPE numeric;

-- squawk-ignore changing-column-type
ALTER TABLE logistics.routes ALTER COLUMN estimated_cost_kes TYPE numeric;

-- squawk-ignore changing-column-type
ALTER TABLE logistics.routes ALTER COLUMN actual_cost_kes TYPE numeric;

-- squawk-ignore changing-column-type
ALTER TABLE logistics.orders ALTER COLUMN price_kes TYPE numeric;

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_fuel_cost_per_km_scale_check CHECK (fuel_cost_per_km = round(fuel_cost_per_km, 4) AND abs(fuel_cost_per_km) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT vehicles_fuel_cost_per_km_scale_check ON logistics.vehicles IS 'fuel_cost_per_km must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.vehicles ADD CONSTRAINT vehicles_driver_cost_per_hour_scale_check CHECK (driver_cost_per_hour = round(driver_cost_per_hour, 4) AND abs(driver_cost_per_hour) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT vehicles_driver_cost_per_hour_scale_check ON logistics.vehicles IS 'driver_cost_per_hour must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.decisions ADD CONSTRAINT decisions_total_cost_estimate_scale_check CHECK (total_cost_estimate = round(total_cost_estimate, 4) AND abs(total_cost_estimate) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT decisions_total_cost_estimate_scale_check ON logistics.decisions IS 'total_cost_estimate must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.routes ADD CONSTRAINT routes_estimated_cost_kes_scale_check CHECK (estimated_cost_kes = round(estimated_cost_kes, 4) AND abs(estimated_cost_kes) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT routes_estimated_cost_kes_scale_check ON logistics.routes IS 'estimated_cost_kes must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.routes ADD CONSTRAINT routes_actual_cost_kes_scale_check CHECK (actual_cost_kes = round(actual_cost_kes, 4) AND abs(actual_cost_kes) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT routes_actual_cost_kes_scale_check ON logistics.routes IS 'actual_cost_kes must have at most 4 decimals and at most 15 digits before the point';

ALTER TABLE logistics.orders ADD CONSTRAINT orders_price_kes_scale_check CHECK (price_kes = round(price_kes, 4) AND abs(price_kes) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT orders_price_kes_scale_check ON logistics.orders IS 'price_kes must have at most 4 decimals and at most 15 digits before the point';

CREATE FUNCTION logistics.record_outcome(
    p_outcome_code text,
    p_route_id uuid,
    p_actual_cost numeric,
    p_actual_duration_minutes integer,
    p_actual_distance_km numeric,
    p_total_revenue numeric,
    p_on_time_deliveries integer,
    p_late_deliveries integer,
    p_failed_deliveries integer,
    p_additional_metrics jsonb
)
RETURNS SETOF logistics.operational_outcomes
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_actual_cost <> pg_catalog.round(p_actual_cost, 4) THEN
        RAISE EXCEPTION 'actual_cost must have at most 4 decimals'
            USING ERRCODE = 'check_violation', SCHEMA = 'logistics', TABLE = 'operational_outcomes',
                  COLUMN = 'actual_cost', CONSTRAINT = 'operational_outcomes_actual_cost_scale_check';
    END IF;
    IF p_total_revenue <> pg_catalog.round(p_total_revenue, 4) THEN
        RAISE EXCEPTION 'total_revenue must have at most 4 decimals'
            USING ERRCODE = 'check_violation', SCHEMA = 'logistics', TABLE = 'operational_outcomes',
                  COLUMN = 'total_revenue', CONSTRAINT = 'operational_outcomes_total_revenue_scale_check';
    END IF;
    RETURN QUERY
    INSERT INTO logistics.operational_outcomes AS oc (outcome_code, route_id, decision_id, estimated_cost, estimated_duration_minutes, estimated_distance_km, actual_cost, actual_duration_minutes, actual_distance_km, total_revenue, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics)
    SELECT p_outcome_code, r.id, r.decision_id, r.estimated_cost_kes, r.estimated_duration_minutes, r.total_distance_km, p_actual_cost, p_actual_duration_minutes, p_actual_distance_km, p_total_revenue, p_on_time_deliveries, p_late_deliveries, p_failed_deliveries, p_additional_metrics
    FROM logistics.routes AS r
    WHERE r.id = p_route_id
    RETURNING oc.*;
END;
$$;

COMMENT ON FUNCTION logistics.record_outcome(text, uuid, numeric, integer, numeric, numeric, integer, integer, integer, jsonb) IS 'Records what happened on a route, copying in the route''s estimates and decision; refuses money with more than 4 decimals; no row when the route does not exist.';

REVOKE ALL ON FUNCTION logistics.record_outcome(text, uuid, numeric, integer, numeric, numeric, integer, integer, integer, jsonb) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.record_outcome(text, uuid, numeric, integer, numeric, numeric, integer, integer, integer, jsonb) TO logistics_app;

REVOKE INSERT ON TABLE logistics.operational_outcomes FROM logistics_app;

REVOKE INSERT (outcome_code, route_id, decision_id, estimated_cost, estimated_duration_minutes, estimated_distance_km, actual_cost, actual_duration_minutes, actual_distance_km, total_revenue, on_time_deliveries, late_deliveries, failed_deliveries, additional_metrics)
    ON TABLE logistics.operational_outcomes FROM logistics_app;
