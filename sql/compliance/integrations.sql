-- name: create_integration(user_id, provider, display_name, credentials, encryption_key, settings)^
-- Connects a third-party service for the user. credentials (a JSON object) are stored encrypted
-- with encryption_key (from the application's settings) and never returned.
INSERT INTO compliance.integration_configurations (user_id, provider, display_name, credentials_encrypted, settings)
VALUES (:user_id, :provider, :display_name, public.pgp_sym_encrypt(:credentials::jsonb::text, :encryption_key::text), :settings::jsonb)
RETURNING id, user_id, provider, display_name, credentials_updated_at, settings, is_active, last_sync_at, last_sync_status, last_sync_error, created_at, updated_at;

-- name: list_integrations_by_user(user_id)
-- The user's integrations, by provider, without their credentials.
SELECT id, user_id, provider, display_name, credentials_updated_at, settings, is_active, last_sync_at, last_sync_status, last_sync_error, created_at, updated_at
FROM compliance.integration_configurations
WHERE user_id = :user_id
ORDER BY provider;

-- name: get_integration_credentials(integration_id, user_id, encryption_key)$
-- The decrypted credentials (a JSON object) of the user's integration, for calling the service; the
-- only query that returns them in clear (the definer function compliance.get_integration_credentials;
-- the service's role cannot read the encrypted column). Only for the transaction's user (user_id must
-- be it). A wrong key raises an error; none when there is no such integration.
SELECT compliance.get_integration_credentials(:integration_id, :user_id, :encryption_key) AS credentials;

-- name: update_integration_credentials(integration_id, user_id, credentials, encryption_key)^
-- Replaces the credentials of the user's integration (encrypted with encryption_key); returns the
-- integration without them, or none.
UPDATE compliance.integration_configurations
SET credentials_encrypted = public.pgp_sym_encrypt(:credentials::jsonb::text, :encryption_key::text),
    credentials_updated_at = now()
WHERE id = :integration_id
    AND user_id = :user_id
RETURNING id, user_id, provider, display_name, credentials_updated_at, settings, is_active, last_sync_at, last_sync_status, last_sync_error, created_at, updated_at;

-- name: update_integration_sync(integration_id, user_id, last_sync_error)^
-- Records a sync of the user's integration now: success when last_sync_error is none, failed with
-- that error otherwise. Returns the integration, or none.
-- @param last_sync_error: str | None
UPDATE compliance.integration_configurations
SET last_sync_at = now(),
    last_sync_status = CASE WHEN :last_sync_error::text IS NULL THEN 'success' ELSE 'failed' END,
    last_sync_error = :last_sync_error::text
WHERE id = :integration_id
    AND user_id = :user_id
RETURNING id, user_id, provider, display_name, credentials_updated_at, settings, is_active, last_sync_at, last_sync_status, last_sync_error, created_at, updated_at;

-- name: delete_integration(integration_id, user_id)!
-- Disconnects (deletes) the user's integration and its credentials; returns 0 or 1.
DELETE FROM compliance.integration_configurations
WHERE id = :integration_id
    AND user_id = :user_id;
