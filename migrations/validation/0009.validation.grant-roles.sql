-- validation: least privilege for the service (validation_app), the background jobs
-- (validation_worker) and reporting (validation_readonly).
--
-- Nothing is granted to PUBLIC any more (functions had EXECUTE for PUBLIC by default).
-- validation_app gets exactly what the queries in sql/validation/ need, column by column where it
-- writes: it creates sessions and moves them through their lifecycle (soft delete and restore
-- included), manages shares, and appends logs, results, discrepancies and behavioral test runs;
-- it never deletes a session, rewrites a log line or a result, or touches the metrics, and no
-- role but the owner may TRUNCATE or change the schema. Row-level security (0010) then narrows
-- every table to the sessions the transaction's user owns or was given.
-- validation_worker runs the cross-user jobs: cleanup (soft delete in batches), the purge of
-- sessions past retention (their rows go with them through ON DELETE CASCADE), the metrics
-- refresh, the export and the statistics. validation_readonly reads everything for reports.
--
-- validation.owns_session(session_id) is a SECURITY DEFINER function: whether the transaction's
-- user owns the session. The policies on session_shares use it; reading validation_sessions
-- there directly would make the two tables' policies refer to each other (PostgreSQL refuses
-- that as infinite recursion). It answers only about the caller's own sessions.
-- depends: 0008.validation.alter-owner-ids-to-uuid

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION validation.owns_session(p_session_id uuid) RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM validation.validation_sessions AS s
        WHERE s.id = p_session_id
            AND s.owner_id = core.current_user_id()
    )
$$;

COMMENT ON FUNCTION validation.owns_session(uuid) IS 'Whether the transaction''s user (core.current_user_id()) owns the session; false without a user. Runs as the owner so that the session_shares policies need not read validation_sessions through its own policies.';

REVOKE ALL ON SCHEMA validation FROM PUBLIC;

REVOKE ALL ON ALL TABLES IN SCHEMA validation FROM PUBLIC;

REVOKE ALL ON ALL SEQUENCES IN SCHEMA validation FROM PUBLIC;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA validation FROM PUBLIC;

GRANT USAGE ON SCHEMA core, validation TO validation_app, validation_worker, validation_readonly;

GRANT EXECUTE ON FUNCTION core.uuid_v7(), core.current_user_id() TO validation_app, validation_worker, validation_readonly;

-- validation_app: the service, acting for one user at a time
GRANT SELECT ON validation.validation_sessions TO validation_app;

GRANT INSERT (request_id, owner_id, source_technology, target_technology, scope, request_data, user_context) ON validation.validation_sessions TO validation_app;

GRANT UPDATE (status, response_data, error_message, started_at, finished_at, deleted_at, deleted_by) ON validation.validation_sessions TO validation_app;

GRANT SELECT, DELETE ON validation.session_shares TO validation_app;

GRANT INSERT (session_id, grantee_id, permission, granted_by) ON validation.session_shares TO validation_app;

GRANT UPDATE (permission, granted_by) ON validation.session_shares TO validation_app;

GRANT SELECT ON validation.session_logs TO validation_app;

GRANT INSERT (session_id, level, message, details) ON validation.session_logs TO validation_app;

GRANT SELECT ON validation.validation_results TO validation_app;

GRANT INSERT (session_id, overall_status, fidelity_score, summary, execution_time_ms) ON validation.validation_results TO validation_app;

GRANT SELECT ON validation.discrepancies TO validation_app;

GRANT INSERT (result_id, discrepancy_type, severity, description, component, source_element, target_element, recommendation, confidence) ON validation.discrepancies TO validation_app;

GRANT SELECT ON validation.behavioral_test_results TO validation_app;

GRANT INSERT (session_id, scenario_name, status, started_at, finished_at, details, error_message) ON validation.behavioral_test_results TO validation_app;

GRANT EXECUTE ON FUNCTION validation.owns_session(uuid) TO validation_app;

-- validation_worker: cleanup, purge, metrics refresh, export, statistics (across users)
GRANT SELECT ON validation.validation_sessions, validation.validation_results, validation.discrepancies, validation.validation_metrics TO validation_worker;

GRANT UPDATE (deleted_at, deleted_by) ON validation.validation_sessions TO validation_worker;

GRANT DELETE ON validation.validation_sessions TO validation_worker;

GRANT INSERT, UPDATE, DELETE ON validation.validation_metrics TO validation_worker;

GRANT EXECUTE ON FUNCTION validation.refresh_validation_metrics(date, date) TO validation_worker;

-- validation_readonly: reports
GRANT SELECT ON ALL TABLES IN SCHEMA validation TO validation_readonly;

-- the audit trail: each role reads validation's rows only (policies in 0010)
GRANT SELECT ON core.audit_log TO validation_app, validation_worker, validation_readonly;
