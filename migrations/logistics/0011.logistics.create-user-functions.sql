-- Sign-in and user administration through narrow definer functions. logistics.users gets
-- row-level security in 0013 (the service sees only the row of the user it acts for), so what must
-- work before a user is known, or across users, runs as datalayer_owner in these functions, each
-- with a pinned search_path, a schema-qualified body, EXECUTE revoked from PUBLIC and granted to
-- logistics_app only:
--   logistics.find_user_by_username(username)        the user (never its password hash), or no row
--   logistics.get_password_hash(username)            an active user's hash, to verify an argon2
--                                                    password in the service; null otherwise
--   logistics.check_password(username, password)     whether an active user's bcrypt hash matches
--   logistics.create_user(...)                       an active admin (the acting user) adds a user;
--                                                    the very first user needs no admin (bootstrap)
--   logistics.list_users(after_username, max_rows)   an active admin pages through all users
--   logistics.set_user_active(user_id, is_active)    an active admin (de)activates a user
-- logistics._require_user_admin(first_user_allowed) raises insufficient_privilege unless the
-- transaction's user (core.current_user_id()) is an active admin; nobody may call it directly.
-- depends: 0010.logistics.create-assignment-functions 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION logistics._require_user_admin(p_first_user_allowed boolean) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_first_user_allowed THEN
        -- one bootstrap at a time: a second caller waits here, then sees the first user
        PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('logistics.users first user'));
        IF NOT EXISTS (SELECT FROM logistics.users) THEN
            RETURN;
        END IF;
    END IF;
    IF NOT EXISTS (
        SELECT
        FROM logistics.users AS u
        WHERE u.id = core.current_user_id()
            AND u.is_active
            AND u.role = 'admin'
    ) THEN
        RAISE EXCEPTION 'only an active admin may manage logistics users'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'run the transaction with user_id set to an active admin';
    END IF;
END;
$$;

COMMENT ON FUNCTION logistics._require_user_admin(boolean) IS 'Internal: raises insufficient_privilege unless the transaction''s user is an active admin (or, when allowed, no user exists yet).';

REVOKE ALL ON FUNCTION logistics._require_user_admin(boolean) FROM PUBLIC;

CREATE FUNCTION logistics.find_user_by_username(p_username text)
RETURNS TABLE (
    id uuid,
    username text,
    email text,
    role text,
    is_active boolean,
    is_superuser boolean,
    last_login_at timestamptz,
    created_at timestamptz,
    updated_at timestamptz
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT u.id, u.username, u.email, u.role, u.is_active, u.is_superuser, u.last_login_at, u.created_at, u.updated_at
    FROM logistics.users AS u
    WHERE pg_catalog.lower(u.username) = pg_catalog.lower(p_username);
$$;

COMMENT ON FUNCTION logistics.find_user_by_username(text) IS 'Sign-in lookup before any user is known: the user with this username whatever its case (never its password hash), or no row.';

REVOKE ALL ON FUNCTION logistics.find_user_by_username(text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.find_user_by_username(text) TO logistics_app;

CREATE FUNCTION logistics.get_password_hash(p_username text) RETURNS text
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT u.password_hash
    FROM logistics.users AS u
    WHERE pg_catalog.lower(u.username) = pg_catalog.lower(p_username)
        AND u.is_active;
$$;

COMMENT ON FUNCTION logistics.get_password_hash(text) IS 'Sign-in: the password hash of an active user, for the service to verify (argon2); null for an unknown or inactive user.';

REVOKE ALL ON FUNCTION logistics.get_password_hash(text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.get_password_hash(text) TO logistics_app;

CREATE FUNCTION logistics.check_password(p_username text, p_password text) RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT
        FROM logistics.users AS u
        WHERE pg_catalog.lower(u.username) = pg_catalog.lower(p_username)
            AND u.is_active
            AND u.password_hash LIKE '$2%'
            AND u.password_hash = public.crypt(p_password, u.password_hash)
    );
$$;

COMMENT ON FUNCTION logistics.check_password(text, text) IS 'Sign-in: whether an active user has this password (bcrypt hashes, checked with pgcrypto); false for an unknown or inactive user and for argon2 hashes.';

REVOKE ALL ON FUNCTION logistics.check_password(text, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.check_password(text, text) TO logistics_app;

CREATE FUNCTION logistics.create_user(
    p_username text,
    p_email text,
    p_password_hash text,
    p_role text,
    p_is_superuser boolean,
    OUT id uuid,
    OUT username text,
    OUT email text,
    OUT role text,
    OUT is_active boolean,
    OUT is_superuser boolean,
    OUT last_login_at timestamptz,
    OUT created_at timestamptz,
    OUT updated_at timestamptz
)
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT logistics._require_user_admin(true);
    INSERT INTO logistics.users (username, email, password_hash, role, is_superuser)
    VALUES (p_username, p_email, p_password_hash, p_role, p_is_superuser)
    RETURNING id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at;
$$;

COMMENT ON FUNCTION logistics.create_user(text, text, text, text, boolean) IS 'Adds a user (the hash made by the service or by public.crypt); the acting user must be an active admin, except for the very first user. Returns it without its hash.';

REVOKE ALL ON FUNCTION logistics.create_user(text, text, text, text, boolean) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.create_user(text, text, text, text, boolean) TO logistics_app;

CREATE FUNCTION logistics.list_users(p_after_username text, p_max_rows integer)
RETURNS TABLE (
    id uuid,
    username text,
    email text,
    role text,
    is_active boolean,
    is_superuser boolean,
    last_login_at timestamptz,
    created_at timestamptz,
    updated_at timestamptz
)
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT logistics._require_user_admin(false);
    SELECT u.id, u.username, u.email, u.role, u.is_active, u.is_superuser, u.last_login_at, u.created_at, u.updated_at
    FROM logistics.users AS u
    WHERE pg_catalog.lower(u.username) > pg_catalog.lower(coalesce(p_after_username, ''))
    ORDER BY pg_catalog.lower(u.username)
    LIMIT p_max_rows;
$$;

COMMENT ON FUNCTION logistics.list_users(text, integer) IS 'An active admin''s page of all users by username (keyset), without password hashes; insufficient_privilege for anyone else.';

REVOKE ALL ON FUNCTION logistics.list_users(text, integer) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.list_users(text, integer) TO logistics_app;

CREATE FUNCTION logistics.set_user_active(p_user_id uuid, p_is_active boolean) RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT logistics._require_user_admin(false);
    WITH changed AS (
        UPDATE logistics.users AS u
        SET is_active = p_is_active
        WHERE u.id = p_user_id
        RETURNING u.id
    )
    SELECT count(*)::integer
    FROM changed;
$$;

COMMENT ON FUNCTION logistics.set_user_active(uuid, boolean) IS 'An active admin activates or deactivates a user; returns the number of users changed (0 or 1); insufficient_privilege for anyone else.';

REVOKE ALL ON FUNCTION logistics.set_user_active(uuid, boolean) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION logistics.set_user_active(uuid, boolean) TO logistics_app;
