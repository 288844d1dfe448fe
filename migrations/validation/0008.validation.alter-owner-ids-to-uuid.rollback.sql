-- Undo 0008.validation.alter-owner-ids-to-uuid (reverse order).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

COMMENT ON COLUMN validation.session_shares.grantee_id IS 'The identity given access (same namespace as validation_sessions.owner_id).';

ALTER TABLE validation.session_shares ALTER COLUMN grantee_id TYPE text USING grantee_id::text;

ALTER TABLE validation.session_shares ADD CONSTRAINT session_shares_grantee_id_check CHECK (length(btrim(grantee_id)) BETWEEN 1 AND 200);

COMMENT ON CONSTRAINT session_shares_grantee_id_check ON validation.session_shares IS 'grantee_id must have 1 to 200 characters';

COMMENT ON COLUMN validation.validation_sessions.owner_id IS 'The owner''s identity as the API authenticates it (opaque text; the system keeps no user table).';

ALTER TABLE validation.validation_sessions ALTER COLUMN owner_id TYPE text USING owner_id::text;

ALTER TABLE validation.validation_sessions ADD CONSTRAINT validation_sessions_owner_id_check CHECK (length(btrim(owner_id)) BETWEEN 1 AND 200);

COMMENT ON CONSTRAINT validation_sessions_owner_id_check ON validation.validation_sessions IS 'owner_id must have 1 to 200 characters';
