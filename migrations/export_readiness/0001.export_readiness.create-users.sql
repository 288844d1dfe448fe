-- export_readiness (ExportSathi): schema and users.
-- Users are Indian MSME exporters: business_type and company_size are closed sets, email is unique
-- case-insensitively (a unique index on lower(email)), password_hash must look like an argon2 or
-- bcrypt hash. Requirement 17.2 (sensitive data encrypted at rest): the contact phone number is
-- personal data, so it is stored only as phone_encrypted (pgcrypto pgp_sym_encrypt under the
-- application's DATABASE_ENCRYPTION_KEY, passed in by the queries, never written in SQL); the
-- clear-text profile refuses keys that would hold personal or financial identifiers.
-- Deleting a user deletes all their data (every child table cascades from here).
-- depends: 0003.core.create-audit-log

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE SCHEMA export_readiness;

COMMENT ON SCHEMA export_readiness IS 'ExportSathi: export-readiness reports, certifications, generated documents, 7-day action plans, chat, finance and logistics analyses.';

CREATE TABLE export_readiness.users (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    email text NOT NULL,
    password_hash text NOT NULL,
    company_name text NOT NULL,
    business_type text NOT NULL,
    company_size text NOT NULL,
    iec_code text,
    phone_encrypted bytea,
    profile jsonb NOT NULL DEFAULT '{}',
    is_active boolean NOT NULL DEFAULT true,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_check CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    CONSTRAINT users_password_hash_check CHECK (
        password_hash ~ '^\$argon2(id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$'
        OR password_hash ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'
    ),
    CONSTRAINT users_company_name_check CHECK (length(btrim(company_name)) BETWEEN 1 AND 200),
    CONSTRAINT users_business_type_check CHECK (business_type IN ('Manufacturing', 'SaaS', 'Merchant')),
    CONSTRAINT users_company_size_check CHECK (company_size IN ('Micro', 'Small', 'Medium')),
    CONSTRAINT users_iec_code_check CHECK (iec_code ~ '^[A-Z0-9]{10}$'),
    CONSTRAINT users_phone_encrypted_check CHECK (octet_length(phone_encrypted) > 0),
    CONSTRAINT users_profile_check CHECK (
        jsonb_typeof(profile) = 'object'
        AND NOT profile ?| ARRAY['phone', 'pan', 'aadhaar', 'bank_account', 'password']
    )
);

COMMENT ON TABLE export_readiness.users IS 'Exporters using ExportSathi. Deleting one deletes all their reports, progress, documents, chats, analyses and metrics.';

COMMENT ON COLUMN export_readiness.users.email IS 'Login; unique regardless of case.';

COMMENT ON COLUMN export_readiness.users.password_hash IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password.';

COMMENT ON COLUMN export_readiness.users.business_type IS 'Manufacturing, SaaS (services exported under SOFTEX) or Merchant (trading) exporter.';

COMMENT ON COLUMN export_readiness.users.company_size IS 'MSME class: Micro, Small or Medium.';

COMMENT ON COLUMN export_readiness.users.iec_code IS 'Importer Exporter Code issued by DGFT (10 characters); printed on every shipping bill, so not secret.';

COMMENT ON COLUMN export_readiness.users.phone_encrypted IS 'Sensitive (Requirement 17.2, personal data): the contact phone number, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY).';

COMMENT ON COLUMN export_readiness.users.profile IS 'Non-sensitive profile as a JSON object (state, city, products, export experience, preferred language); keys for personal or financial identifiers are refused.';

COMMENT ON CONSTRAINT users_email_check ON export_readiness.users IS 'email must look like name@domain.tld (at most 254 characters)';

COMMENT ON CONSTRAINT users_password_hash_check ON export_readiness.users IS 'password_hash must be an argon2 or bcrypt hash, never a plain password';

COMMENT ON CONSTRAINT users_company_name_check ON export_readiness.users IS 'company_name must have 1 to 200 characters';

COMMENT ON CONSTRAINT users_business_type_check ON export_readiness.users IS 'business_type must be Manufacturing, SaaS or Merchant';

COMMENT ON CONSTRAINT users_company_size_check ON export_readiness.users IS 'company_size must be Micro, Small or Medium';

COMMENT ON CONSTRAINT users_iec_code_check ON export_readiness.users IS 'iec_code must be 10 capital letters or digits';

COMMENT ON CONSTRAINT users_phone_encrypted_check ON export_readiness.users IS 'phone_encrypted cannot be empty';

COMMENT ON CONSTRAINT users_profile_check ON export_readiness.users IS 'profile must be a JSON object without phone, pan, aadhaar, bank_account or password keys (sensitive data is stored encrypted)';

CREATE UNIQUE INDEX users_email_key ON export_readiness.users (lower(email));

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON export_readiness.users
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON export_readiness.users
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('password_hash', 'phone_encrypted');
