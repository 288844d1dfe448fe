-- Undo 0002.validation.create-session-shares.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE validation.session_shares;
