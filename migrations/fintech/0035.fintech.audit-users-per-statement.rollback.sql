-- Undo 0035.fintech.audit-users-per-statement: back to the row-level audit trigger.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TRIGGER _900_audit_delete ON fintech.users;

DROP TRIGGER _900_audit_update ON fintech.users;

DROP TRIGGER _900_audit_insert ON fintech.users;

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON fintech.users
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('password_hash');
