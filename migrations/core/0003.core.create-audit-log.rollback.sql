-- Undo 0003.core.create-audit-log.

DROP FUNCTION core.tg__audit();

DROP TABLE core.audit_log;
