-- compliance: the narrow definer functions for what the service must do before it knows the user,
-- or with what its role may not read.
--
-- Sign-up (compliance.create_user) and sign-in (compliance.find_user_by_email,
-- compliance.find_user_password_hash) run before a user is known, so row-level security on
-- compliance.users (0013) would show them nothing; they run as datalayer_owner and do exactly one
-- thing each. The password hash is returned only by find_user_password_hash (compliance_app cannot
-- read the column). Integration credentials are decrypted only by
-- compliance.get_integration_credentials, for the integration of the transaction's user
-- (core.current_user_id()); compliance_app cannot read the encrypted column itself.
--
-- Each is owned by datalayer_owner, sets search_path = pg_catalog, pg_temp, qualifies every name,
-- and may be executed by compliance_app only (EXECUTE is revoked from PUBLIC).
-- depends: 0011.compliance.create-report-schedules 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION compliance.create_user(p_email text, p_hashed_password text)
RETURNS TABLE (
    id uuid,
    email text,
    is_active boolean,
    is_superuser boolean,
    created_at timestamptz,
    updated_at timestamptz
)
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO compliance.users (email, hashed_password)
    VALUES (p_email, p_hashed_password)
    RETURNING users.id, users.email, users.is_active, users.is_superuser, users.created_at, users.updated_at
$$;

COMMENT ON FUNCTION compliance.create_user(text, text) IS 'Sign-up: creates an active user that is not a superuser; returns it without its password hash. The table''s checks apply (email format, hash format, unique email).';

CREATE FUNCTION compliance.find_user_by_email(p_email text)
RETURNS TABLE (
    id uuid,
    email text,
    is_active boolean,
    is_superuser boolean,
    created_at timestamptz,
    updated_at timestamptz
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT u.id, u.email, u.is_active, u.is_superuser, u.created_at, u.updated_at
    FROM compliance.users AS u
    WHERE pg_catalog.lower(u.email) = pg_catalog.lower(p_email)
$$;

COMMENT ON FUNCTION compliance.find_user_by_email(text) IS 'Sign-in: the user with this email, whatever its case (no row when there is none), without its password hash.';

CREATE FUNCTION compliance.find_user_password_hash(p_email text)
RETURNS text
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT u.hashed_password
    FROM compliance.users AS u
    WHERE pg_catalog.lower(u.email) = pg_catalog.lower(p_email)
        AND u.is_active
$$;

COMMENT ON FUNCTION compliance.find_user_password_hash(text) IS 'Sign-in: the password hash of the active user with this email, for the service to verify a password; NULL otherwise.';

CREATE FUNCTION compliance.get_integration_credentials(p_integration_id uuid, p_user_id uuid, p_encryption_key text)
RETURNS jsonb
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT public.pgp_sym_decrypt(i.credentials_encrypted, p_encryption_key)::jsonb
    FROM compliance.integration_configurations AS i
    WHERE i.id = p_integration_id
        AND i.user_id = p_user_id
        AND i.user_id = core.current_user_id()
$$;

COMMENT ON FUNCTION compliance.get_integration_credentials(uuid, uuid, text) IS 'The decrypted credentials of an integration of the transaction''s user (datalayer.user_id, which p_user_id must match); NULL for any other. A wrong key raises an error.';

REVOKE ALL ON FUNCTION compliance.create_user(text, text) FROM PUBLIC;

REVOKE ALL ON FUNCTION compliance.find_user_by_email(text) FROM PUBLIC;

REVOKE ALL ON FUNCTION compliance.find_user_password_hash(text) FROM PUBLIC;

REVOKE ALL ON FUNCTION compliance.get_integration_credentials(uuid, uuid, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION compliance.create_user(text, text) TO compliance_app;

GRANT EXECUTE ON FUNCTION compliance.find_user_by_email(text) TO compliance_app;

GRANT EXECUTE ON FUNCTION compliance.find_user_password_hash(text) TO compliance_app;

GRANT EXECUTE ON FUNCTION compliance.get_integration_credentials(uuid, uuid, text) TO compliance_app;
