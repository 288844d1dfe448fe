-- Undo 0016.compliance.add-lifecycle-transitions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

REVOKE DELETE ON TABLE compliance.evidence_items FROM compliance_app;

REVOKE UPDATE (status) ON TABLE compliance.chat_conversations FROM compliance_app;

COMMENT ON COLUMN compliance.assessment_sessions.status IS NULL;

DROP TRIGGER assessment_sessions_status_transition_check ON compliance.assessment_sessions;

DROP FUNCTION compliance.tg_assessment_sessions__check_status_transition();
