-- compliance.integration_configurations: a user's connections to third-party services (cloud
-- providers, identity providers, ticketing) from which evidence is collected.
-- The credentials (API keys, OAuth tokens: a JSON object) are stored encrypted with pgcrypto
-- (pgp_sym_encrypt); the key is passed in by the application at run time from its settings
-- (DATABASE_ENCRYPTION_KEY), never written in SQL files or logs. Only one query decrypts them.
-- The audit trigger leaves the encrypted credentials out of the audit log. One configuration per
-- user and provider.
-- depends: 0009.compliance.create-readiness-assessments

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.integration_configurations (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    provider text NOT NULL,
    display_name text NOT NULL,
    credentials_encrypted bytea NOT NULL,
    credentials_updated_at timestamptz NOT NULL DEFAULT now(),
    settings jsonb NOT NULL DEFAULT '{}',
    is_active boolean NOT NULL DEFAULT true,
    last_sync_at timestamptz,
    last_sync_status text,
    last_sync_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT integration_configurations_pkey PRIMARY KEY (id),
    CONSTRAINT integration_configurations_user_id_provider_key UNIQUE (user_id, provider),
    CONSTRAINT integration_configurations_user_id_fkey FOREIGN KEY (user_id) REFERENCES compliance.users (id) ON DELETE CASCADE,
    CONSTRAINT integration_configurations_provider_check CHECK (provider ~ '^[a-z][a-z0-9_]{1,49}$'),
    CONSTRAINT integration_configurations_display_name_check CHECK (length(btrim(display_name)) BETWEEN 1 AND 100),
    CONSTRAINT integration_configurations_credentials_encrypted_check CHECK (octet_length(credentials_encrypted) > 0),
    CONSTRAINT integration_configurations_settings_check CHECK (jsonb_typeof(settings) = 'object'),
    CONSTRAINT integration_configurations_last_sync_status_check CHECK (last_sync_status IN ('success', 'failed')),
    CONSTRAINT integration_configurations_last_sync_check CHECK (
        (last_sync_status IS NULL) = (last_sync_at IS NULL)
        AND (last_sync_status IS NOT DISTINCT FROM 'failed') = (last_sync_error IS NOT NULL)
    )
);

COMMENT ON TABLE compliance.integration_configurations IS 'Third-party integrations of a user; credentials encrypted at rest.';

COMMENT ON COLUMN compliance.integration_configurations.provider IS 'The service, e.g. aws, google_workspace, github, jira.';

COMMENT ON COLUMN compliance.integration_configurations.credentials_encrypted IS 'Sensitive: the credentials as a JSON object, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY).';

COMMENT ON COLUMN compliance.integration_configurations.credentials_updated_at IS 'When the credentials were last stored or rotated (the audit log records this, never the credentials).';

COMMENT ON COLUMN compliance.integration_configurations.settings IS 'Non-secret options (a jsonb object): regions, projects, sync scope.';

COMMENT ON COLUMN compliance.integration_configurations.last_sync_status IS 'success or failed; null before the first sync.';

COMMENT ON COLUMN compliance.integration_configurations.last_sync_error IS 'Why the last sync failed; set exactly when it failed.';

COMMENT ON CONSTRAINT integration_configurations_user_id_provider_key ON compliance.integration_configurations IS 'the user already has an integration with this provider';

COMMENT ON CONSTRAINT integration_configurations_user_id_fkey ON compliance.integration_configurations IS 'an integration must belong to an existing user';

COMMENT ON CONSTRAINT integration_configurations_provider_check ON compliance.integration_configurations IS 'provider must be 2 to 50 lowercase letters, digits or underscores, starting with a letter';

COMMENT ON CONSTRAINT integration_configurations_display_name_check ON compliance.integration_configurations IS 'display_name must have 1 to 100 characters';

COMMENT ON CONSTRAINT integration_configurations_credentials_encrypted_check ON compliance.integration_configurations IS 'credentials cannot be empty';

COMMENT ON CONSTRAINT integration_configurations_settings_check ON compliance.integration_configurations IS 'settings must be a JSON object';

COMMENT ON CONSTRAINT integration_configurations_last_sync_status_check ON compliance.integration_configurations IS 'last_sync_status must be success or failed';

COMMENT ON CONSTRAINT integration_configurations_last_sync_check ON compliance.integration_configurations IS 'a sync has both a time and a status, and an error exactly when it failed';

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.integration_configurations
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON compliance.integration_configurations
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('credentials_encrypted');
