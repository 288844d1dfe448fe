-- Undo 0018.export_readiness.name-live-email-index.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

COMMENT ON INDEX export_readiness.users_email_key IS NULL;

-- squawk-ignore renaming-object
ALTER INDEX export_readiness.users_email_key RENAME TO users_live_email_key;
