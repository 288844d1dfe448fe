-- validation (AI migration validation system): schema and validation_sessions.
-- One row per validation request: who owns it (owner_id, the caller's identity as the API knows
-- it; the system keeps no user table), source and target technologies, scope, the request and the
-- response as jsonb objects, the caller's context, and the lifecycle timestamps. Status machine
-- pending -> processing -> completed | failed, and pending | processing -> cancelled, enforced by
-- validation.tg_validation_sessions__check_status_transition(): an illegal move raises
-- check_violation naming validation_sessions_status_transition_check, and so does changing the
-- outcome (response, error, timestamps) of a finished session. Soft delete: deleted_at and
-- deleted_by are set together; every default query filters deleted_at IS NULL, and the indexes are
-- partial on that predicate so the filter costs nothing. Changes are audited (core.audit_log)
-- without the bulky jsonb columns.
-- depends: 0003.core.create-audit-log

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE SCHEMA validation;

COMMENT ON SCHEMA validation IS 'AI migration validation system: validation sessions with sharing and soft delete, results, discrepancies, behavioral tests, processing logs, aggregated metrics.';

CREATE FUNCTION validation.tg_validation_sessions__check_status_transition() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'pending' THEN
            RAISE EXCEPTION 'a new validation session must start as pending, not %', NEW.status
                USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                      COLUMN = 'status', CONSTRAINT = 'validation_sessions_status_transition_check';
        END IF;
        RETURN NEW;
    END IF;
    -- Unknown values are left to validation_sessions_status_check.
    IF NEW.status IS DISTINCT FROM OLD.status
        AND NEW.status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')
        AND NOT ((OLD.status = 'pending' AND NEW.status IN ('processing', 'cancelled'))
                 OR (OLD.status = 'processing' AND NEW.status IN ('completed', 'failed', 'cancelled'))) THEN
        RAISE EXCEPTION 'illegal status transition % -> % on validation session %', OLD.status, NEW.status, OLD.id
            USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                  COLUMN = 'status', CONSTRAINT = 'validation_sessions_status_transition_check',
                  HINT = 'allowed: pending -> processing | cancelled, processing -> completed | failed | cancelled';
    END IF;
    -- A finished session keeps its outcome (a soft delete or restore is still allowed).
    IF OLD.status IN ('completed', 'failed', 'cancelled')
        AND (NEW.status, NEW.response_data, NEW.error_message, NEW.started_at, NEW.finished_at)
            IS DISTINCT FROM (OLD.status, OLD.response_data, OLD.error_message, OLD.started_at, OLD.finished_at) THEN
        RAISE EXCEPTION 'validation session % is % and its outcome cannot change', OLD.id, OLD.status
            USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                  COLUMN = 'status', CONSTRAINT = 'validation_sessions_status_transition_check';
    END IF;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION validation.tg_validation_sessions__check_status_transition() IS 'BEFORE INSERT OR UPDATE: sessions start pending; pending -> processing | cancelled, processing -> completed | failed | cancelled; a finished session keeps its status, response, error and timestamps.';

CREATE TABLE validation.validation_sessions (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    request_id text NOT NULL,
    owner_id text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    source_technology text NOT NULL,
    target_technology text NOT NULL,
    scope text NOT NULL,
    request_data jsonb NOT NULL,
    response_data jsonb,
    user_context jsonb NOT NULL DEFAULT '{}',
    error_message text,
    started_at timestamptz,
    finished_at timestamptz,
    deleted_at timestamptz,
    deleted_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT validation_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT validation_sessions_request_id_key UNIQUE (request_id),
    CONSTRAINT validation_sessions_request_id_check CHECK (length(btrim(request_id)) BETWEEN 1 AND 200),
    CONSTRAINT validation_sessions_owner_id_check CHECK (length(btrim(owner_id)) BETWEEN 1 AND 200),
    CONSTRAINT validation_sessions_status_check CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    CONSTRAINT validation_sessions_source_technology_check CHECK (source_technology ~ '^[a-z0-9][a-z0-9_.+#-]{0,49}$'),
    CONSTRAINT validation_sessions_target_technology_check CHECK (target_technology ~ '^[a-z0-9][a-z0-9_.+#-]{0,49}$'),
    CONSTRAINT validation_sessions_scope_check CHECK (scope IN ('full_system', 'ui_layout', 'backend_functionality', 'data_structure', 'api_endpoints', 'business_logic', 'behavioral_validation')),
    CONSTRAINT validation_sessions_request_data_check CHECK (jsonb_typeof(request_data) = 'object'),
    CONSTRAINT validation_sessions_response_data_check CHECK (jsonb_typeof(response_data) = 'object'),
    CONSTRAINT validation_sessions_user_context_check CHECK (jsonb_typeof(user_context) = 'object'),
    CONSTRAINT validation_sessions_error_message_check CHECK ((status = 'failed') = (error_message IS NOT NULL)),
    CONSTRAINT validation_sessions_started_at_check CHECK ((status <> 'pending' OR started_at IS NULL) AND (status IN ('pending', 'cancelled') OR started_at IS NOT NULL)),
    CONSTRAINT validation_sessions_finished_at_check CHECK ((status IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL) AND finished_at >= coalesce(started_at, created_at)),
    CONSTRAINT validation_sessions_deleted_check CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);

COMMENT ON TABLE validation.validation_sessions IS 'One validation request and its lifecycle. Soft-deleted rows (deleted_at set) are hidden from every default query and purged after the retention period.';

COMMENT ON COLUMN validation.validation_sessions.request_id IS 'Chosen by the caller; unique, so a retried request finds its session.';

COMMENT ON COLUMN validation.validation_sessions.owner_id IS 'The owner''s identity as the API authenticates it (opaque text; the system keeps no user table).';

COMMENT ON COLUMN validation.validation_sessions.status IS 'pending -> processing -> completed | failed; pending or processing -> cancelled.';

COMMENT ON COLUMN validation.validation_sessions.source_technology IS 'Lower-case technology name, e.g. php, python, react.';

COMMENT ON COLUMN validation.validation_sessions.scope IS 'What is compared: full_system, ui_layout, backend_functionality, data_structure, api_endpoints, business_logic or behavioral_validation.';

COMMENT ON COLUMN validation.validation_sessions.request_data IS 'The validation request as submitted (a JSON object).';

COMMENT ON COLUMN validation.validation_sessions.response_data IS 'The response returned to the caller once the session finished (a JSON object).';

COMMENT ON COLUMN validation.validation_sessions.user_context IS 'Caller metadata (client, tenant, tags) as a JSON object.';

COMMENT ON COLUMN validation.validation_sessions.error_message IS 'Why the session failed; set exactly when status is failed.';

COMMENT ON COLUMN validation.validation_sessions.started_at IS 'When processing began; null while pending (and for a session cancelled before it started).';

COMMENT ON COLUMN validation.validation_sessions.finished_at IS 'When the session reached completed, failed or cancelled.';

COMMENT ON COLUMN validation.validation_sessions.deleted_at IS 'Soft delete: when the session was hidden; null for live sessions.';

COMMENT ON COLUMN validation.validation_sessions.deleted_by IS 'Soft delete: who hid the session (a user id, or the cleanup job).';

COMMENT ON CONSTRAINT validation_sessions_request_id_key ON validation.validation_sessions IS 'request_id is already used by another session';

COMMENT ON CONSTRAINT validation_sessions_request_id_check ON validation.validation_sessions IS 'request_id must have 1 to 200 characters';

COMMENT ON CONSTRAINT validation_sessions_owner_id_check ON validation.validation_sessions IS 'owner_id must have 1 to 200 characters';

COMMENT ON CONSTRAINT validation_sessions_status_check ON validation.validation_sessions IS 'status must be pending, processing, completed, failed or cancelled';

COMMENT ON CONSTRAINT validation_sessions_source_technology_check ON validation.validation_sessions IS 'source_technology must be a lower-case name of 1 to 50 characters (a-z, 0-9, _ . + # -)';

COMMENT ON CONSTRAINT validation_sessions_target_technology_check ON validation.validation_sessions IS 'target_technology must be a lower-case name of 1 to 50 characters (a-z, 0-9, _ . + # -)';

COMMENT ON CONSTRAINT validation_sessions_scope_check ON validation.validation_sessions IS 'scope must be full_system, ui_layout, backend_functionality, data_structure, api_endpoints, business_logic or behavioral_validation';

COMMENT ON CONSTRAINT validation_sessions_request_data_check ON validation.validation_sessions IS 'request_data must be a JSON object';

COMMENT ON CONSTRAINT validation_sessions_response_data_check ON validation.validation_sessions IS 'response_data must be a JSON object';

COMMENT ON CONSTRAINT validation_sessions_user_context_check ON validation.validation_sessions IS 'user_context must be a JSON object';

COMMENT ON CONSTRAINT validation_sessions_error_message_check ON validation.validation_sessions IS 'a failed session (and only a failed one) has an error_message';

COMMENT ON CONSTRAINT validation_sessions_started_at_check ON validation.validation_sessions IS 'started_at is set once processing begins, and only then';

COMMENT ON CONSTRAINT validation_sessions_finished_at_check ON validation.validation_sessions IS 'finished_at is set exactly when the session is completed, failed or cancelled, and not before it started';

COMMENT ON CONSTRAINT validation_sessions_deleted_check ON validation.validation_sessions IS 'deleted_at and deleted_by are set (and cleared) together';

CREATE INDEX validation_sessions_owner_id_created_at_idx ON validation.validation_sessions (owner_id, created_at DESC, id)
    WHERE deleted_at IS NULL;

CREATE INDEX validation_sessions_status_created_at_idx ON validation.validation_sessions (status, created_at DESC)
    WHERE deleted_at IS NULL;

CREATE INDEX validation_sessions_technologies_created_at_idx ON validation.validation_sessions (source_technology, target_technology, created_at DESC)
    WHERE deleted_at IS NULL;

CREATE INDEX validation_sessions_created_at_idx ON validation.validation_sessions (created_at, id)
    WHERE deleted_at IS NULL;

CREATE INDEX validation_sessions_deleted_at_idx ON validation.validation_sessions (deleted_at, id)
    WHERE deleted_at IS NOT NULL;

CREATE TRIGGER _050_check_status_transition
    BEFORE INSERT OR UPDATE ON validation.validation_sessions
    FOR EACH ROW EXECUTE FUNCTION validation.tg_validation_sessions__check_status_transition();

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON validation.validation_sessions
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON validation.validation_sessions
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('request_data', 'response_data', 'user_context');
