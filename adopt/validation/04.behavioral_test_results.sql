-- Legacy behavioral test results -> validation.behavioral_test_results. The old row kept when it
-- was written and how long it ran (execution_time, float seconds); the new one keeps started_at
-- and finished_at (execution_time_ms is computed from them): started_at is the creation time,
-- finished_at that plus the duration.
-- legacy: behavioral_test_results
-- key: l.id
-- name: refuse
SELECT
    l.id AS legacy_key,
    CASE
        WHEN pg_temp.adopt_uuid(l.id) IS NULL
            THEN 'id is not a UUID'
        WHEN s.id IS NULL
            THEN 'orphan: its session does not exist (behavioral_test_results_session_id_fkey)'
        WHEN length(btrim(coalesce(l.scenario_name, ''))) NOT BETWEEN 1 AND 500
            THEN 'scenario name empty or longer than 500 (behavioral_test_results_scenario_name_check)'
        WHEN l.status IS NULL OR l.status NOT IN ('passed', 'failed', 'error', 'skipped')
            THEN 'status outside passed, failed, error, skipped (behavioral_test_results_status_check)'
        WHEN l.status IN ('failed', 'error') AND l.error_message IS NULL
            THEN 'failed without an error message (behavioral_test_results_error_message_check)'
        WHEN NOT (l.execution_time >= 0) OR l.created_at IS NULL
            THEN 'no start time or a negative duration (behavioral_test_results_timing_check)'
        WHEN l.details IS NOT NULL AND jsonb_typeof(pg_temp.adopt_jsonb(l.details)) IS DISTINCT FROM 'object'
            THEN 'details is not a JSON object (behavioral_test_results_details_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_validation_sessions AS r WHERE r.legacy_key = l.session_id)
            THEN 'its session is quarantined'
    END AS reason
FROM __legacy__.behavioral_test_results AS l
LEFT JOIN __legacy__.validation_sessions AS s ON s.id = l.session_id
-- name: convert
INSERT INTO validation.behavioral_test_results (
    id, session_id, scenario_name, status, started_at, finished_at, details, error_message,
    created_at, updated_at
)
SELECT
    pg_temp.adopt_uuid(l.id),
    pg_temp.adopt_uuid(l.session_id),
    l.scenario_name,
    l.status,
    l.created_at AT TIME ZONE 'UTC',
    (l.created_at AT TIME ZONE 'UTC') + make_interval(secs => l.execution_time),
    coalesce(pg_temp.adopt_jsonb(l.details), '{}'),
    l.error_message,
    l.created_at AT TIME ZONE 'UTC',
    l.created_at AT TIME ZONE 'UTC'
FROM __legacy__.behavioral_test_results AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_behavioral_test_results AS r WHERE r.legacy_key = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.behavioral_test_results AS l
WHERE EXISTS (SELECT FROM validation.behavioral_test_results AS n WHERE n.id = pg_temp.adopt_uuid(l.id));
