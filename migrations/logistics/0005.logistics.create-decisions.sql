-- logistics.decisions: the audit trail of the routing engine. Each row is one decision: its type,
-- the policy that made it (Powell's policy classes: pfa, cfa, vfa, dla, or a hybrid), the state it
-- saw (state_snapshot, a jsonb object), its cost estimate, confidence (0 to 1) and computation time.
-- The seed's routes_created / orders_routed JSON id arrays are not stored: routes point at their
-- decision (routes.decision_id) and orders at their route, so both are a join away.
-- A committed decision is immutable (tg_decisions__protect_committed, raising check_violation as
-- decisions_immutable_check): it cannot be deleted, and the only change left is marking it executed.
-- depends: 0004.logistics.create-vehicles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE logistics.decisions (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    decision_code text NOT NULL,
    decision_type text NOT NULL,
    policy_used text NOT NULL,
    state_snapshot jsonb NOT NULL DEFAULT '{}',
    total_cost_estimate numeric(19, 4),
    decision_confidence numeric(4, 3),
    computation_time_ms integer,
    committed boolean NOT NULL DEFAULT false,
    committed_at timestamptz,
    executed boolean NOT NULL DEFAULT false,
    executed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT decisions_pkey PRIMARY KEY (id),
    CONSTRAINT decisions_decision_code_key UNIQUE (decision_code),
    CONSTRAINT decisions_decision_code_check CHECK (decision_code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    CONSTRAINT decisions_decision_type_check CHECK (decision_type ~ '^[a-z][a-z0-9_]{0,49}$'),
    CONSTRAINT decisions_policy_used_check CHECK (policy_used IN ('pfa', 'cfa', 'vfa', 'dla', 'hybrid')),
    CONSTRAINT decisions_state_snapshot_check CHECK (jsonb_typeof(state_snapshot) = 'object'),
    CONSTRAINT decisions_total_cost_estimate_check CHECK (total_cost_estimate >= 0),
    CONSTRAINT decisions_decision_confidence_check CHECK (decision_confidence BETWEEN 0 AND 1),
    CONSTRAINT decisions_computation_time_ms_check CHECK (computation_time_ms >= 0),
    CONSTRAINT decisions_committed_at_check CHECK (committed = (committed_at IS NOT NULL)),
    CONSTRAINT decisions_executed_check CHECK (NOT executed OR committed),
    CONSTRAINT decisions_executed_at_check CHECK (executed = (executed_at IS NOT NULL))
);

COMMENT ON TABLE logistics.decisions IS 'Routing decisions: what was decided, by which policy, from which state, with what confidence. Immutable once committed.';

COMMENT ON COLUMN logistics.decisions.decision_code IS 'Business key (the seed''s decision_id); unique.';

COMMENT ON COLUMN logistics.decisions.decision_type IS 'What kind of decision, lower snake case, e.g. daily_route_planning or order_arrival.';

COMMENT ON COLUMN logistics.decisions.policy_used IS 'pfa, cfa, vfa, dla (policy, cost, value function approximation, direct lookahead) or hybrid.';

COMMENT ON COLUMN logistics.decisions.state_snapshot IS 'The system state the policy saw (pending orders, fleet, time), a jsonb object.';

COMMENT ON COLUMN logistics.decisions.total_cost_estimate IS 'KES: the estimated cost of every route the decision created.';

COMMENT ON COLUMN logistics.decisions.decision_confidence IS 'The policy''s confidence in the decision, 0 to 1.';

COMMENT ON COLUMN logistics.decisions.committed IS 'Once true the decision is immutable: only executed (and executed_at) may still change.';

COMMENT ON CONSTRAINT decisions_decision_code_key ON logistics.decisions IS 'decision_code is already taken';

COMMENT ON CONSTRAINT decisions_decision_code_check ON logistics.decisions IS 'decision_code must have 1 to 64 letters, digits, dots, dashes or underscores';

COMMENT ON CONSTRAINT decisions_decision_type_check ON logistics.decisions IS 'decision_type must be lower snake case, at most 50 characters';

COMMENT ON CONSTRAINT decisions_policy_used_check ON logistics.decisions IS 'policy_used must be pfa, cfa, vfa, dla or hybrid';

COMMENT ON CONSTRAINT decisions_state_snapshot_check ON logistics.decisions IS 'state_snapshot must be a JSON object';

COMMENT ON CONSTRAINT decisions_total_cost_estimate_check ON logistics.decisions IS 'total_cost_estimate cannot be negative';

COMMENT ON CONSTRAINT decisions_decision_confidence_check ON logistics.decisions IS 'decision_confidence must be between 0 and 1';

COMMENT ON CONSTRAINT decisions_computation_time_ms_check ON logistics.decisions IS 'computation_time_ms cannot be negative';

COMMENT ON CONSTRAINT decisions_committed_at_check ON logistics.decisions IS 'committed_at must be set exactly when the decision is committed';

COMMENT ON CONSTRAINT decisions_executed_check ON logistics.decisions IS 'only a committed decision can be executed';

COMMENT ON CONSTRAINT decisions_executed_at_check ON logistics.decisions IS 'executed_at must be set exactly when the decision is executed';

CREATE INDEX decisions_created_at_idx ON logistics.decisions (created_at DESC, id);

CREATE INDEX decisions_policy_used_created_at_idx ON logistics.decisions (policy_used, created_at DESC, id);

CREATE FUNCTION logistics.tg_decisions__protect_committed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT OLD.committed THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'decision % is committed and cannot be deleted', OLD.decision_code
            USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                  CONSTRAINT = 'decisions_immutable_check';
    END IF;
    IF (to_jsonb(NEW) - ARRAY['executed', 'executed_at', 'updated_at'])
        IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['executed', 'executed_at', 'updated_at'])
        OR (OLD.executed AND (NEW.executed, NEW.executed_at) IS DISTINCT FROM (OLD.executed, OLD.executed_at)) THEN
        RAISE EXCEPTION 'decision % is committed: only marking it executed is allowed', OLD.decision_code
            USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                  CONSTRAINT = 'decisions_immutable_check',
                  HINT = 'record what happened as an operational outcome, or make a new decision';
    END IF;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION logistics.tg_decisions__protect_committed() IS 'BEFORE UPDATE OR DELETE: a committed decision cannot be deleted or changed, except once from not executed to executed.';

CREATE TRIGGER _050_protect_committed
    BEFORE UPDATE OR DELETE ON logistics.decisions
    FOR EACH ROW EXECUTE FUNCTION logistics.tg_decisions__protect_committed();

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON logistics.decisions
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON logistics.decisions
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit();
