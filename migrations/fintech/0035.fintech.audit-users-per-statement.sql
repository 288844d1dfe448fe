-- fintech.users is bulk-loaded (COPY): its audit trigger becomes statement-level
-- (core.tg__audit_statement, transition tables), which writes the same core.audit_log rows as the
-- row-level core.tg__audit() in one INSERT ... SELECT per statement instead of one trigger call per
-- row. password_hash stays out of the recorded values.
-- depends: 0015.fintech.hide-secret-columns 0015.core.create-statement-audit

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TRIGGER _900_audit ON fintech.users;

CREATE TRIGGER _900_audit_insert
    AFTER INSERT ON fintech.users
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__audit_statement('password_hash');

CREATE TRIGGER _900_audit_update
    AFTER UPDATE ON fintech.users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__audit_statement('password_hash');

CREATE TRIGGER _900_audit_delete
    AFTER DELETE ON fintech.users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__audit_statement('password_hash');
