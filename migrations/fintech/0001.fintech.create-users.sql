-- fintech (HoardRun): schema and users.
-- Email is unique case-insensitively (a unique index on lower(email)); phone numbers are E.164;
-- password_hash must look like an argon2 or bcrypt hash, so a plain password cannot be stored.
-- depends: 0003.core.create-audit-log

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE SCHEMA fintech;

COMMENT ON SCHEMA fintech IS 'HoardRun fintech backend: users, accounts, the double-entry ledger, transfers, P2P payments, cards, investments.';

CREATE TABLE fintech.users (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    email text NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    phone_number text,
    password_hash text NOT NULL,
    role text NOT NULL DEFAULT 'customer',
    is_active boolean NOT NULL DEFAULT true,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_check CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    CONSTRAINT users_first_name_check CHECK (length(btrim(first_name)) BETWEEN 1 AND 100),
    CONSTRAINT users_last_name_check CHECK (length(btrim(last_name)) BETWEEN 1 AND 100),
    CONSTRAINT users_phone_number_check CHECK (phone_number ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT users_password_hash_check CHECK (
        password_hash ~ '^\$argon2(id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$'
        OR password_hash ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'
    ),
    CONSTRAINT users_role_check CHECK (role IN ('customer', 'support', 'admin'))
);

COMMENT ON TABLE fintech.users IS 'People who hold accounts. Never deleted while they hold accounts.';

COMMENT ON COLUMN fintech.users.email IS 'Login; unique regardless of case.';

COMMENT ON COLUMN fintech.users.phone_number IS 'E.164: +, country code, subscriber number (7 to 15 digits).';

COMMENT ON COLUMN fintech.users.password_hash IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password.';

COMMENT ON COLUMN fintech.users.role IS 'customer, support or admin.';

COMMENT ON CONSTRAINT users_email_check ON fintech.users IS 'email must look like name@domain.tld (at most 254 characters)';

COMMENT ON CONSTRAINT users_first_name_check ON fintech.users IS 'first_name must have 1 to 100 characters';

COMMENT ON CONSTRAINT users_last_name_check ON fintech.users IS 'last_name must have 1 to 100 characters';

COMMENT ON CONSTRAINT users_phone_number_check ON fintech.users IS 'phone_number must be in E.164 format, e.g. +14155550100';

COMMENT ON CONSTRAINT users_password_hash_check ON fintech.users IS 'password_hash must be an argon2 or bcrypt hash, never a plain password';

COMMENT ON CONSTRAINT users_role_check ON fintech.users IS 'role must be customer, support or admin';

CREATE UNIQUE INDEX users_email_key ON fintech.users (lower(email));

CREATE INDEX users_phone_number_idx ON fintech.users (phone_number) WHERE phone_number IS NOT NULL;

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON fintech.users
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
