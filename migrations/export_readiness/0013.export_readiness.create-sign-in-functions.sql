-- export_readiness: the two things the service must do before it knows the user, as narrow
-- SECURITY DEFINER functions (owned by datalayer_owner, search_path pinned to pg_catalog, pg_temp,
-- schema-qualified bodies, EXECUTE for export_readiness_app only), instead of a policy that would
-- open users to every caller:
--   export_readiness.sign_up(...)          inserts one user (is_active and timestamps by default)
--                                          and returns that one row without the password hash;
--                                          the phone arrives already encrypted by the query;
--   export_readiness.login_by_email(email) the id and password hash of the active user with this
--                                          email (any case), for the service to verify a sign-in;
--                                          no row otherwise.
-- Everything else about a user runs under row-level security with datalayer.user_id set. The
-- users' constraints, unique email index and audit trigger apply inside sign_up as they do anywhere.
-- depends: 0012.export_readiness.grant-roles 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION export_readiness.sign_up(
    p_email text,
    p_password_hash text,
    p_company_name text,
    p_business_type text,
    p_company_size text,
    p_iec_code text,
    p_phone_encrypted bytea,
    p_profile jsonb,
    OUT id uuid,
    OUT email text,
    OUT company_name text,
    OUT business_type text,
    OUT company_size text,
    OUT iec_code text,
    OUT phone_encrypted bytea,
    OUT profile jsonb,
    OUT is_active boolean,
    OUT last_login_at timestamptz,
    OUT created_at timestamptz,
    OUT updated_at timestamptz
)
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO export_readiness.users (email, password_hash, company_name, business_type, company_size, iec_code, phone_encrypted, profile)
    VALUES (p_email, p_password_hash, p_company_name, p_business_type, p_company_size, p_iec_code, p_phone_encrypted, p_profile)
    RETURNING users.id, users.email, users.company_name, users.business_type, users.company_size, users.iec_code,
        users.phone_encrypted, users.profile, users.is_active, users.last_login_at, users.created_at, users.updated_at;
$$;

COMMENT ON FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, jsonb) IS 'Sign-up, before the user is known: inserts one user and returns it without the password hash. SECURITY DEFINER; EXECUTE for export_readiness_app.';

REVOKE ALL ON FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, jsonb) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, jsonb) TO export_readiness_app;

CREATE FUNCTION export_readiness.login_by_email(p_email text)
RETURNS TABLE (user_id uuid, password_hash text)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT u.id, u.password_hash
    FROM export_readiness.users AS u
    WHERE pg_catalog.lower(u.email) = pg_catalog.lower(p_email)
        AND u.is_active;
$$;

COMMENT ON FUNCTION export_readiness.login_by_email(text) IS 'Sign-in, before the user is known: the id and password hash of the active user with this email (any case), or no row. SECURITY DEFINER; EXECUTE for export_readiness_app.';

REVOKE ALL ON FUNCTION export_readiness.login_by_email(text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION export_readiness.login_by_email(text) TO export_readiness_app;
