-- logistics.routes: a vehicle's planned trip, made by a decision (or by hand: decision_id null).
-- period is the planned time on the road as a tstzrange (bounded, start before end). A vehicle
-- cannot have two open routes (planned or in_progress) whose periods overlap: an exclusion
-- constraint over (vehicle_id WITH =, period WITH &&), via btree_gist. The seed's order_ids and
-- destination_cities JSON arrays are not stored: orders point at their route
-- (orders.assigned_route_id) and the stops are rows (route_stops). Estimated and actual distance,
-- duration and cost (KES) sit side by side; a completed route has its actuals.
-- UNIQUE (id, decision_id) lets an operational outcome prove, by foreign key, that it names the
-- route's own decision.
-- depends: 0005.logistics.create-decisions

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE logistics.routes (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    route_code text NOT NULL,
    vehicle_id uuid NOT NULL,
    decision_id uuid,
    status text NOT NULL DEFAULT 'planned',
    period tstzrange NOT NULL,
    total_distance_km numeric(10, 2) NOT NULL,
    estimated_duration_minutes integer NOT NULL,
    estimated_cost_kes numeric(19, 4) NOT NULL,
    actual_distance_km numeric(10, 2),
    actual_duration_minutes integer,
    actual_cost_kes numeric(19, 4),
    started_at timestamptz,
    completed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT routes_pkey PRIMARY KEY (id),
    CONSTRAINT routes_route_code_key UNIQUE (route_code),
    CONSTRAINT routes_id_decision_id_key UNIQUE (id, decision_id),
    CONSTRAINT routes_vehicle_id_fkey FOREIGN KEY (vehicle_id) REFERENCES logistics.vehicles (id) ON DELETE RESTRICT,
    CONSTRAINT routes_decision_id_fkey FOREIGN KEY (decision_id) REFERENCES logistics.decisions (id) ON DELETE RESTRICT,
    CONSTRAINT routes_vehicle_id_period_excl EXCLUDE USING gist (vehicle_id WITH =, period WITH &&)
        WHERE (status IN ('planned', 'in_progress')),
    CONSTRAINT routes_route_code_check CHECK (route_code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    CONSTRAINT routes_status_check CHECK (status IN ('planned', 'in_progress', 'completed', 'cancelled')),
    CONSTRAINT routes_period_check CHECK (NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)),
    CONSTRAINT routes_estimates_check CHECK (total_distance_km >= 0 AND estimated_duration_minutes >= 0 AND estimated_cost_kes >= 0),
    CONSTRAINT routes_actuals_check CHECK (actual_distance_km >= 0 AND actual_duration_minutes >= 0 AND actual_cost_kes >= 0),
    CONSTRAINT routes_started_at_check CHECK ((status IN ('in_progress', 'completed')) <= (started_at IS NOT NULL)),
    CONSTRAINT routes_completed_at_check CHECK (
        (status = 'completed') = (completed_at IS NOT NULL)
        AND completed_at >= started_at
    ),
    CONSTRAINT routes_completed_actuals_check CHECK (
        status <> 'completed'
        OR (actual_distance_km IS NOT NULL AND actual_duration_minutes IS NOT NULL AND actual_cost_kes IS NOT NULL)
    )
);

COMMENT ON TABLE logistics.routes IS 'A vehicle''s trip: its period, stops (route_stops), orders (orders.assigned_route_id), estimates and actuals.';

COMMENT ON COLUMN logistics.routes.route_code IS 'Business key (the seed''s route_id); unique.';

COMMENT ON COLUMN logistics.routes.decision_id IS 'The decision that created the route; null for a route planned by hand.';

COMMENT ON COLUMN logistics.routes.status IS 'planned, in_progress, completed or cancelled. Planned and in_progress routes of one vehicle never overlap in time.';

COMMENT ON COLUMN logistics.routes.period IS 'Planned time on the road, [start, end).';

COMMENT ON COLUMN logistics.routes.total_distance_km IS 'Estimated distance.';

COMMENT ON COLUMN logistics.routes.estimated_cost_kes IS 'Estimated cost in KES.';

COMMENT ON COLUMN logistics.routes.actual_cost_kes IS 'Actual cost in KES, once known; required to complete the route.';

COMMENT ON CONSTRAINT routes_route_code_key ON logistics.routes IS 'route_code is already taken';

COMMENT ON CONSTRAINT routes_id_decision_id_key ON logistics.routes IS 'a route has one decision';

COMMENT ON CONSTRAINT routes_vehicle_id_fkey ON logistics.routes IS 'vehicle_id must be an existing vehicle (a vehicle with routes cannot be deleted)';

COMMENT ON CONSTRAINT routes_decision_id_fkey ON logistics.routes IS 'decision_id must be an existing decision (a decision with routes cannot be deleted)';

COMMENT ON CONSTRAINT routes_vehicle_id_period_excl ON logistics.routes IS 'the vehicle already has a planned or in-progress route in that period';

COMMENT ON CONSTRAINT routes_route_code_check ON logistics.routes IS 'route_code must have 1 to 64 letters, digits, dots, dashes or underscores';

COMMENT ON CONSTRAINT routes_status_check ON logistics.routes IS 'status must be planned, in_progress, completed or cancelled';

COMMENT ON CONSTRAINT routes_period_check ON logistics.routes IS 'period must have a start and an end, the start before the end';

COMMENT ON CONSTRAINT routes_estimates_check ON logistics.routes IS 'estimated distance, duration and cost cannot be negative';

COMMENT ON CONSTRAINT routes_actuals_check ON logistics.routes IS 'actual distance, duration and cost cannot be negative';

COMMENT ON CONSTRAINT routes_started_at_check ON logistics.routes IS 'a route in progress or completed must have started_at';

COMMENT ON CONSTRAINT routes_completed_at_check ON logistics.routes IS 'completed_at must be set exactly when the route is completed, and not before it started';

COMMENT ON CONSTRAINT routes_completed_actuals_check ON logistics.routes IS 'a completed route needs its actual distance, duration and cost';

CREATE INDEX routes_vehicle_id_idx ON logistics.routes (vehicle_id, lower(period));

CREATE INDEX routes_decision_id_idx ON logistics.routes (decision_id) WHERE decision_id IS NOT NULL;

CREATE INDEX routes_period_idx ON logistics.routes USING gist (period);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON logistics.routes
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON logistics.routes
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit();
