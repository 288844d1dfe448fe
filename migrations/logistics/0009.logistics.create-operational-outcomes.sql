-- logistics.operational_outcomes: what actually happened on a route, the feedback the policies
-- learn from. The route's estimates are copied in when the outcome is recorded, so the prediction
-- errors (actual - estimated cost, duration, distance) and the net profit (revenue - actual cost)
-- are generated columns of the row itself. decision_id, when given, must be the route's own
-- decision: the foreign key (route_id, decision_id) -> routes (id, decision_id) proves it.
-- Append-only: core.tg__forbid_mutation() refuses UPDATE, DELETE and TRUNCATE; a correction is a
-- new outcome.
-- depends: 0008.logistics.create-route-stops

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE logistics.operational_outcomes (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    outcome_code text NOT NULL,
    route_id uuid NOT NULL,
    decision_id uuid,
    estimated_cost numeric(19, 4) NOT NULL,
    estimated_duration_minutes integer NOT NULL,
    estimated_distance_km numeric(10, 2) NOT NULL,
    actual_cost numeric(19, 4) NOT NULL,
    actual_duration_minutes integer NOT NULL,
    actual_distance_km numeric(10, 2) NOT NULL,
    cost_prediction_error numeric(19, 4) GENERATED ALWAYS AS (actual_cost - estimated_cost) STORED,
    duration_prediction_error integer GENERATED ALWAYS AS (actual_duration_minutes - estimated_duration_minutes) STORED,
    distance_prediction_error numeric(10, 2) GENERATED ALWAYS AS (actual_distance_km - estimated_distance_km) STORED,
    total_revenue numeric(19, 4) NOT NULL DEFAULT 0,
    net_profit numeric(19, 4) GENERATED ALWAYS AS (total_revenue - actual_cost) STORED,
    on_time_deliveries integer NOT NULL DEFAULT 0,
    late_deliveries integer NOT NULL DEFAULT 0,
    failed_deliveries integer NOT NULL DEFAULT 0,
    additional_metrics jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT operational_outcomes_pkey PRIMARY KEY (id),
    CONSTRAINT operational_outcomes_outcome_code_key UNIQUE (outcome_code),
    CONSTRAINT operational_outcomes_route_id_fkey FOREIGN KEY (route_id) REFERENCES logistics.routes (id) ON DELETE RESTRICT,
    CONSTRAINT operational_outcomes_decision_id_fkey FOREIGN KEY (route_id, decision_id)
        REFERENCES logistics.routes (id, decision_id) ON DELETE RESTRICT,
    CONSTRAINT operational_outcomes_outcome_code_check CHECK (outcome_code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    CONSTRAINT operational_outcomes_estimates_check CHECK (estimated_cost >= 0 AND estimated_duration_minutes >= 0 AND estimated_distance_km >= 0),
    CONSTRAINT operational_outcomes_actuals_check CHECK (actual_cost >= 0 AND actual_duration_minutes >= 0 AND actual_distance_km >= 0),
    CONSTRAINT operational_outcomes_total_revenue_check CHECK (total_revenue >= 0),
    CONSTRAINT operational_outcomes_deliveries_check CHECK (on_time_deliveries >= 0 AND late_deliveries >= 0 AND failed_deliveries >= 0),
    CONSTRAINT operational_outcomes_additional_metrics_check CHECK (jsonb_typeof(additional_metrics) = 'object')
);

COMMENT ON TABLE logistics.operational_outcomes IS 'Append-only: the observed cost, duration, distance, revenue and deliveries of a route, against its estimates.';

COMMENT ON COLUMN logistics.operational_outcomes.outcome_code IS 'Business key (the seed''s outcome_id); unique.';

COMMENT ON COLUMN logistics.operational_outcomes.decision_id IS 'The route''s decision (checked by foreign key); null when the route was planned by hand.';

COMMENT ON COLUMN logistics.operational_outcomes.estimated_cost IS 'KES: the route''s estimated_cost_kes when the outcome was recorded.';

COMMENT ON COLUMN logistics.operational_outcomes.estimated_distance_km IS 'The route''s total_distance_km when the outcome was recorded.';

COMMENT ON COLUMN logistics.operational_outcomes.actual_cost IS 'KES.';

COMMENT ON COLUMN logistics.operational_outcomes.cost_prediction_error IS 'Generated: actual_cost - estimated_cost (KES; positive = more expensive than predicted).';

COMMENT ON COLUMN logistics.operational_outcomes.duration_prediction_error IS 'Generated: actual_duration_minutes - estimated_duration_minutes.';

COMMENT ON COLUMN logistics.operational_outcomes.distance_prediction_error IS 'Generated: actual_distance_km - estimated_distance_km.';

COMMENT ON COLUMN logistics.operational_outcomes.total_revenue IS 'KES earned from the route''s orders.';

COMMENT ON COLUMN logistics.operational_outcomes.net_profit IS 'Generated: total_revenue - actual_cost (KES).';

COMMENT ON COLUMN logistics.operational_outcomes.additional_metrics IS 'Anything else measured, a jsonb object.';

COMMENT ON CONSTRAINT operational_outcomes_outcome_code_key ON logistics.operational_outcomes IS 'outcome_code is already taken';

COMMENT ON CONSTRAINT operational_outcomes_route_id_fkey ON logistics.operational_outcomes IS 'route_id must be an existing route (a route with outcomes cannot be deleted)';

COMMENT ON CONSTRAINT operational_outcomes_decision_id_fkey ON logistics.operational_outcomes IS 'decision_id must be the decision that created the route';

COMMENT ON CONSTRAINT operational_outcomes_outcome_code_check ON logistics.operational_outcomes IS 'outcome_code must have 1 to 64 letters, digits, dots, dashes or underscores';

COMMENT ON CONSTRAINT operational_outcomes_estimates_check ON logistics.operational_outcomes IS 'estimated cost, duration and distance cannot be negative';

COMMENT ON CONSTRAINT operational_outcomes_actuals_check ON logistics.operational_outcomes IS 'actual cost, duration and distance cannot be negative';

COMMENT ON CONSTRAINT operational_outcomes_total_revenue_check ON logistics.operational_outcomes IS 'total_revenue cannot be negative';

COMMENT ON CONSTRAINT operational_outcomes_deliveries_check ON logistics.operational_outcomes IS 'delivery counts cannot be negative';

COMMENT ON CONSTRAINT operational_outcomes_additional_metrics_check ON logistics.operational_outcomes IS 'additional_metrics must be a JSON object';

CREATE INDEX operational_outcomes_route_id_decision_id_idx ON logistics.operational_outcomes (route_id, decision_id);

CREATE INDEX operational_outcomes_decision_id_idx ON logistics.operational_outcomes (decision_id) WHERE decision_id IS NOT NULL;

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON logistics.operational_outcomes
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

CREATE TRIGGER _100_forbid_truncate
    BEFORE TRUNCATE ON logistics.operational_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__forbid_mutation();
