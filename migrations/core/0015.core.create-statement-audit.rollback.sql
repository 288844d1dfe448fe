-- Undo 0015.core.create-statement-audit.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION core.tg__audit_statement();
