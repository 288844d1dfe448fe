-- name: create_validation_result(session_id, overall_status, fidelity_score, summary, execution_time_ms)^
-- Records the outcome of a session (one per session); returns it.
INSERT INTO validation.validation_results (session_id, overall_status, fidelity_score, summary, execution_time_ms)
VALUES (:session_id, :overall_status, :fidelity_score, :summary, :execution_time_ms)
RETURNING id, session_id, overall_status, fidelity_score, summary, execution_time_ms, created_at, updated_at;

-- name: get_validation_result_by_session(session_id)^
-- The result of a live session, or none (no result yet, or the session is soft-deleted).
SELECT r.id, r.session_id, r.overall_status, r.fidelity_score, r.summary, r.execution_time_ms, r.created_at, r.updated_at
FROM validation.validation_results AS r
JOIN validation.validation_sessions AS s ON s.id = r.session_id
WHERE r.session_id = :session_id
    AND s.deleted_at IS NULL;

-- name: create_discrepancy(result_id, discrepancy_type, severity, description, component, source_element, target_element, recommendation, confidence)^
-- Records one discrepancy found by a result; returns it.
-- @param component: str | None
-- @param source_element: str | None
-- @param target_element: str | None
-- @param recommendation: str | None
-- @param confidence: Decimal | None
INSERT INTO validation.discrepancies (result_id, discrepancy_type, severity, description, component, source_element, target_element, recommendation, confidence)
VALUES (:result_id, :discrepancy_type, :severity, :description, :component, :source_element, :target_element, :recommendation, :confidence)
RETURNING id, result_id, discrepancy_type, severity, description, component, source_element, target_element, recommendation, confidence, created_at, updated_at;

-- name: list_discrepancies_by_result(result_id)
-- A result's discrepancies, critical first, then warning, then info, each oldest first; empty
-- when the session is soft-deleted.
SELECT d.id, d.result_id, d.discrepancy_type, d.severity, d.description, d.component, d.source_element, d.target_element, d.recommendation, d.confidence, d.created_at, d.updated_at
FROM validation.discrepancies AS d
JOIN validation.validation_results AS r ON r.id = d.result_id
JOIN validation.validation_sessions AS s ON s.id = r.session_id
WHERE d.result_id = :result_id
    AND s.deleted_at IS NULL
ORDER BY array_position(ARRAY['critical', 'warning', 'info'], d.severity), d.created_at, d.id;

-- name: create_behavioral_test_result(session_id, scenario_name, status, started_at, finished_at, details, error_message)^
-- Records one behavioral scenario run of a session; returns it (execution_time_ms is computed).
-- @param error_message: str | None
-- @nonnull execution_time_ms
INSERT INTO validation.behavioral_test_results (session_id, scenario_name, status, started_at, finished_at, details, error_message)
VALUES (:session_id, :scenario_name, :status, :started_at, :finished_at, :details, :error_message)
RETURNING id, session_id, scenario_name, status, started_at, finished_at, execution_time_ms, details, error_message, created_at, updated_at;

-- name: list_behavioral_test_results_by_session(session_id)
-- A live session's behavioral scenario runs in the order they started; empty when soft-deleted.
-- @nonnull execution_time_ms
SELECT b.id, b.session_id, b.scenario_name, b.status, b.started_at, b.finished_at, b.execution_time_ms, b.details, b.error_message, b.created_at, b.updated_at
FROM validation.behavioral_test_results AS b
JOIN validation.validation_sessions AS s ON s.id = b.session_id
WHERE b.session_id = :session_id
    AND s.deleted_at IS NULL
ORDER BY b.started_at, b.id;
