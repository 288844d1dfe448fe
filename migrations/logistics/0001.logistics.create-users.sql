-- logistics (Senga SDE): schema and users.
-- The seed's users table: unique username and email, a password hash, role user / manager / admin,
-- is_active, is_superuser, last login. Usernames are unique case-insensitively like emails; a
-- superuser must be an admin; password_hash must look like an argon2 or bcrypt hash, so a plain
-- password cannot be stored (the seed's fixed admin123 / user123 passwords are not reproduced: the
-- demo data command takes them from the environment or generates them).
-- depends: 0003.core.create-audit-log

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE SCHEMA logistics;

COMMENT ON SCHEMA logistics IS 'Senga SDE: customers, orders with time windows, vehicles, routes and stops, routing decisions and their operational outcomes.';

CREATE TABLE logistics.users (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    username text NOT NULL,
    email text NOT NULL,
    password_hash text NOT NULL,
    role text NOT NULL DEFAULT 'user',
    is_active boolean NOT NULL DEFAULT true,
    is_superuser boolean NOT NULL DEFAULT false,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_username_check CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{2,49}$'),
    CONSTRAINT users_email_check CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    CONSTRAINT users_password_hash_check CHECK (
        password_hash ~ '^\$argon2(id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$'
        OR password_hash ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'
    ),
    CONSTRAINT users_role_check CHECK (role IN ('user', 'manager', 'admin')),
    CONSTRAINT users_superuser_check CHECK (NOT is_superuser OR role = 'admin')
);

COMMENT ON TABLE logistics.users IS 'People who sign in to the SDE: dispatchers (user), managers and admins.';

COMMENT ON COLUMN logistics.users.username IS 'Login; 3 to 50 letters, digits, dots, dashes or underscores; unique regardless of case.';

COMMENT ON COLUMN logistics.users.email IS 'Unique regardless of case.';

COMMENT ON COLUMN logistics.users.password_hash IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password.';

COMMENT ON COLUMN logistics.users.role IS 'user, manager or admin.';

COMMENT ON COLUMN logistics.users.is_superuser IS 'Bypasses role checks in the application; only an admin can be one.';

COMMENT ON CONSTRAINT users_username_check ON logistics.users IS 'username must have 3 to 50 letters, digits, dots, dashes or underscores, starting with a letter or digit';

COMMENT ON CONSTRAINT users_email_check ON logistics.users IS 'email must look like name@domain.tld (at most 254 characters)';

COMMENT ON CONSTRAINT users_password_hash_check ON logistics.users IS 'password_hash must be an argon2 or bcrypt hash, never a plain password';

COMMENT ON CONSTRAINT users_role_check ON logistics.users IS 'role must be user, manager or admin';

COMMENT ON CONSTRAINT users_superuser_check ON logistics.users IS 'only an admin can be a superuser';

CREATE UNIQUE INDEX users_username_key ON logistics.users (lower(username));

CREATE UNIQUE INDEX users_email_key ON logistics.users (lower(email));

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON logistics.users
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON logistics.users
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('password_hash');
