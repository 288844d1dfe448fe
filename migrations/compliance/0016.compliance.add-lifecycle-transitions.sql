-- compliance: the lifecycle steps ruleIQ reached only in the seed. An assessment session can be
-- abandoned, a chat conversation archived, an evidence item deleted.
--
-- Assessment sessions move forward only: not_started -> in_progress, completed or abandoned;
-- in_progress -> completed or abandoned; completed and abandoned are final. The constraint trigger
-- assessment_sessions_status_transition_check refuses every other change of status (a
-- check_violation naming the constraint and the column; its COMMENT is the message), whoever makes
-- it, the owner included. Chat conversations go from active to archived and back (an archived
-- one takes no new messages, as before).
--
-- compliance_app may now change chat_conversations.status and delete evidence_items, on the rows
-- of the transaction's user only (the row-level security policies of 0013 already say so).
-- depends: 0015.compliance.validate-input-checks

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION compliance.tg_assessment_sessions__check_status_transition() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
        AND NOT (OLD.status = 'not_started' AND NEW.status IN ('in_progress', 'completed', 'abandoned')
            OR OLD.status = 'in_progress' AND NEW.status IN ('completed', 'abandoned'))
    THEN
        RAISE EXCEPTION 'this change of an assessment session''s status is not allowed'
            USING ERRCODE = 'check_violation', SCHEMA = 'compliance', TABLE = 'assessment_sessions',
                  COLUMN = 'status', CONSTRAINT = 'assessment_sessions_status_transition_check',
                  HINT = 'completed and abandoned sessions are final: start a new session';
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION compliance.tg_assessment_sessions__check_status_transition() IS 'AFTER UPDATE OF status on assessment_sessions: refuses a change of status the lifecycle does not allow.';

REVOKE ALL ON FUNCTION compliance.tg_assessment_sessions__check_status_transition() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER assessment_sessions_status_transition_check
    AFTER UPDATE OF status ON compliance.assessment_sessions
    FOR EACH ROW
    WHEN (NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION compliance.tg_assessment_sessions__check_status_transition();

COMMENT ON CONSTRAINT assessment_sessions_status_transition_check ON compliance.assessment_sessions IS 'an assessment session moves from not_started to in_progress, completed or abandoned, and from in_progress to completed or abandoned; completed and abandoned sessions are final';

COMMENT ON COLUMN compliance.assessment_sessions.status IS 'not_started, in_progress, completed or abandoned; moves forward only (assessment_sessions_status_transition_check).';

GRANT UPDATE (status) ON TABLE compliance.chat_conversations TO compliance_app;

GRANT DELETE ON TABLE compliance.evidence_items TO compliance_app;
