-- Undo 0003.validation.create-session-logs.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE validation.session_logs;

DROP FUNCTION validation.tg_session_logs__forbid_mutation();
