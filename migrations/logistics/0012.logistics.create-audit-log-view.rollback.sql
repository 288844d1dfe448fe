-- Undo 0012.logistics.create-audit-log-view.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP VIEW logistics.audit_log;
