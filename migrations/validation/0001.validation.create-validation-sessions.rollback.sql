-- Undo 0001.validation.create-validation-sessions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE validation.validation_sessions;

DROP FUNCTION validation.tg_validation_sessions__check_status_transition();

DROP SCHEMA validation;
