-- Undo 0013.export_readiness.create-sign-in-functions (their grants go with them).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION export_readiness.login_by_email(text);

DROP FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, jsonb);
