-- Undo 0009.validation.grant-roles (reverse order). The roles stay: they belong to the cluster.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

REVOKE SELECT ON core.audit_log FROM validation_app, validation_worker, validation_readonly;

REVOKE ALL ON ALL TABLES IN SCHEMA validation FROM validation_app, validation_worker, validation_readonly;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA validation FROM validation_app, validation_worker, validation_readonly;

REVOKE EXECUTE ON FUNCTION core.uuid_v7(), core.current_user_id() FROM validation_app, validation_worker, validation_readonly;

REVOKE USAGE ON SCHEMA core, validation FROM validation_app, validation_worker, validation_readonly;

-- functions are executable by PUBLIC by default; tables and the schema had nothing for PUBLIC
GRANT EXECUTE ON FUNCTION
    validation.tg_validation_sessions__check_status_transition(),
    validation.tg_session_logs__forbid_mutation(),
    validation.refresh_validation_metrics(date, date)
TO PUBLIC;

DROP FUNCTION validation.owns_session(uuid);
