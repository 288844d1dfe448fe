-- export_readiness: the partial unique index on live users' emails takes the name the index on
-- every user had (users_email_key: what a UniqueViolation reports) and states its rule.
-- depends: 0017.export_readiness.index-live-emails

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- squawk-ignore renaming-object
ALTER INDEX export_readiness.users_live_email_key RENAME TO users_email_key;

COMMENT ON INDEX export_readiness.users_email_key IS 'email must be unique among live users, whatever its case (a deleted user''s email can sign up again)';
