-- Undo 0014.fintech.create-audit-log-view: the fintech roles read core.audit_log through the
-- policy again, as 0010 and 0011 left it.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

GRANT SELECT ON core.audit_log TO fintech_app, fintech_worker, fintech_readonly;

CREATE POLICY audit_log_fintech_read ON core.audit_log
    FOR SELECT
    TO fintech_app, fintech_worker, fintech_readonly
    USING (schema_name = 'fintech');

COMMENT ON POLICY audit_log_fintech_read ON core.audit_log IS 'The fintech roles read the audit rows of fintech''s tables, nothing else.';

DROP VIEW fintech.audit_log;
