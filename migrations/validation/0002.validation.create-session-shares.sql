-- validation.session_shares: who, besides the owner, may read or write a session.
-- One row per (session, grantee); permission is read or write (write implies read). Shares go
-- with their session when it is purged (ON DELETE CASCADE). The grantee index serves the
-- "shared with me" filter of the session search.
-- depends: 0001.validation.create-validation-sessions

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE validation.session_shares (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    session_id uuid NOT NULL,
    grantee_id text NOT NULL,
    permission text NOT NULL,
    granted_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT session_shares_pkey PRIMARY KEY (id),
    CONSTRAINT session_shares_session_id_grantee_id_key UNIQUE (session_id, grantee_id),
    CONSTRAINT session_shares_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES validation.validation_sessions (id) ON DELETE CASCADE,
    CONSTRAINT session_shares_grantee_id_check CHECK (length(btrim(grantee_id)) BETWEEN 1 AND 200),
    CONSTRAINT session_shares_permission_check CHECK (permission IN ('read', 'write')),
    CONSTRAINT session_shares_granted_by_check CHECK (length(btrim(granted_by)) BETWEEN 1 AND 200)
);

COMMENT ON TABLE validation.session_shares IS 'Access to a session granted to someone other than its owner.';

COMMENT ON COLUMN validation.session_shares.grantee_id IS 'The identity given access (same namespace as validation_sessions.owner_id).';

COMMENT ON COLUMN validation.session_shares.permission IS 'read, or write (which includes read).';

COMMENT ON COLUMN validation.session_shares.granted_by IS 'Who granted the access.';

COMMENT ON CONSTRAINT session_shares_session_id_grantee_id_key ON validation.session_shares IS 'the session is already shared with this grantee';

COMMENT ON CONSTRAINT session_shares_session_id_fkey ON validation.session_shares IS 'session_id must be an existing validation session';

COMMENT ON CONSTRAINT session_shares_grantee_id_check ON validation.session_shares IS 'grantee_id must have 1 to 200 characters';

COMMENT ON CONSTRAINT session_shares_permission_check ON validation.session_shares IS 'permission must be read or write';

COMMENT ON CONSTRAINT session_shares_granted_by_check ON validation.session_shares IS 'granted_by must have 1 to 200 characters';

CREATE INDEX session_shares_grantee_id_idx ON validation.session_shares (grantee_id, session_id);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON validation.session_shares
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON validation.session_shares
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit();
