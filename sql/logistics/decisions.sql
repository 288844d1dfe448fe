-- name: create_decision(decision_code, decision_type, policy_used, state_snapshot, total_cost_estimate, decision_confidence, computation_time_ms)^
-- Records a decision (not yet committed) with the state it saw; returns it.
-- @param total_cost_estimate: Decimal | None
-- @param decision_confidence: Decimal | None
-- @param computation_time_ms: int | None
INSERT INTO logistics.decisions (decision_code, decision_type, policy_used, state_snapshot, total_cost_estimate, decision_confidence, computation_time_ms)
VALUES (:decision_code, :decision_type, :policy_used, :state_snapshot, :total_cost_estimate, :decision_confidence, :computation_time_ms)
RETURNING id, decision_code, decision_type, policy_used, state_snapshot, total_cost_estimate, decision_confidence, computation_time_ms, committed, committed_at, executed, executed_at, created_at, updated_at;

-- name: get_decision_by_id(decision_id)^
-- The decision with this id, or none.
SELECT id, decision_code, decision_type, policy_used, state_snapshot, total_cost_estimate, decision_confidence, computation_time_ms, committed, committed_at, executed, executed_at, created_at, updated_at
FROM logistics.decisions
WHERE id = :decision_id;

-- name: update_decision_committed(decision_id)^
-- Commits a decision now (from then on it is immutable); returns it, or none if it was already
-- committed or does not exist.
UPDATE logistics.decisions
SET committed = true,
    committed_at = now()
WHERE id = :decision_id
    AND NOT committed
RETURNING id, decision_code, decision_type, policy_used, state_snapshot, total_cost_estimate, decision_confidence, computation_time_ms, committed, committed_at, executed, executed_at, created_at, updated_at;

-- name: update_decision_executed(decision_id)^
-- Marks a committed decision executed now; returns it, or none if it is not committed or was
-- already executed.
UPDATE logistics.decisions
SET executed = true,
    executed_at = now()
WHERE id = :decision_id
    AND committed
    AND NOT executed
RETURNING id, decision_code, decision_type, policy_used, state_snapshot, total_cost_estimate, decision_confidence, computation_time_ms, committed, committed_at, executed, executed_at, created_at, updated_at;

-- name: delete_decision(decision_id)!
-- Deletes a decision that is not committed and created no routes (a committed one is refused
-- with CheckViolation decisions_immutable_check); returns 0 or 1.
DELETE FROM logistics.decisions
WHERE id = :decision_id;

-- name: list_decision_audit(policy_used, before_created_at, before_id, max_rows)
-- The decision audit, newest first: what was decided (type, policy), from which state, with what
-- confidence and estimate, whether it was committed and executed, and how many routes it created
-- and orders they carry. policy_used none means every policy. Keyset: pass the last row's
-- created_at and id.
-- @param policy_used: str | None
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
-- @nonnull routes_created, orders_routed
SELECT
    d.id,
    d.decision_code,
    d.decision_type,
    d.policy_used,
    d.state_snapshot,
    d.total_cost_estimate,
    d.decision_confidence,
    d.computation_time_ms,
    d.committed,
    d.committed_at,
    d.executed,
    d.executed_at,
    (SELECT count(*) FROM logistics.routes AS r WHERE r.decision_id = d.id) AS routes_created,
    (
        SELECT count(*)
        FROM logistics.routes AS r
        JOIN logistics.orders AS o ON o.assigned_route_id = r.id
        WHERE r.decision_id = d.id
    ) AS orders_routed,
    d.created_at
FROM logistics.decisions AS d
WHERE (d.policy_used = :policy_used::text OR :policy_used::text IS NULL)
    AND d.created_at <= (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
    AND (
        d.created_at < (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
        OR d.id > (SELECT coalesce(:before_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY d.created_at DESC, d.id
LIMIT :max_rows::int;
