-- compliance (ruleIQ): schema and users.
-- Email is unique case-insensitively (a unique index on lower(email)); hashed_password must look
-- like an argon2 or bcrypt hash, so a plain password cannot be stored. No user is created here:
-- the seed's default administrator with a known password is not carried over.
-- depends: 0003.core.create-audit-log

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE SCHEMA compliance;

COMMENT ON SCHEMA compliance IS 'ruleIQ compliance automation: business profiles, assessments, evidence, policies, frameworks, plans, integrations, report schedules.';

CREATE TABLE compliance.users (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    email text NOT NULL,
    hashed_password text NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    is_superuser boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_check CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    CONSTRAINT users_hashed_password_check CHECK (
        hashed_password ~ '^\$argon2(id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$'
        OR hashed_password ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'
    )
);

COMMENT ON TABLE compliance.users IS 'People who use ruleIQ. Deleting a user deletes everything they own.';

COMMENT ON COLUMN compliance.users.email IS 'Login; unique regardless of case.';

COMMENT ON COLUMN compliance.users.hashed_password IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password.';

COMMENT ON COLUMN compliance.users.is_superuser IS 'May administer the platform (frameworks, other users).';

COMMENT ON CONSTRAINT users_email_check ON compliance.users IS 'email must look like name@domain.tld (at most 254 characters)';

COMMENT ON CONSTRAINT users_hashed_password_check ON compliance.users IS 'hashed_password must be an argon2 or bcrypt hash, never a plain password';

CREATE UNIQUE INDEX users_email_key ON compliance.users (lower(email));

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.users
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
