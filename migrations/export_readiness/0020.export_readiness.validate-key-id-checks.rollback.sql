-- Undo 0020.export_readiness.validate-key-id-checks: drop and re-add each check NOT VALID (same
-- names, definitions and comments), as the previous migration left them.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE export_readiness.chat_messages DROP CONSTRAINT chat_messages_content_key_id_check;

ALTER TABLE export_readiness.chat_messages
    ADD CONSTRAINT chat_messages_content_key_id_check CHECK (content_key_id ~ '^[A-Za-z0-9_.-]{1,32}$') NOT VALID;

COMMENT ON CONSTRAINT chat_messages_content_key_id_check ON export_readiness.chat_messages IS 'content_key_id must be 1 to 32 letters, digits, dots, dashes or underscores';

ALTER TABLE export_readiness.generated_documents DROP CONSTRAINT generated_documents_content_key_id_check;

ALTER TABLE export_readiness.generated_documents
    ADD CONSTRAINT generated_documents_content_key_id_check CHECK (content_key_id ~ '^[A-Za-z0-9_.-]{1,32}$') NOT VALID;

COMMENT ON CONSTRAINT generated_documents_content_key_id_check ON export_readiness.generated_documents IS 'content_key_id must be 1 to 32 letters, digits, dots, dashes or underscores';

ALTER TABLE export_readiness.users DROP CONSTRAINT users_phone_key_id_check;

ALTER TABLE export_readiness.users
    ADD CONSTRAINT users_phone_key_id_check CHECK (phone_key_id ~ '^[A-Za-z0-9_.-]{1,32}$' AND (phone_encrypted IS NULL OR phone_key_id IS NOT NULL)) NOT VALID;

COMMENT ON CONSTRAINT users_phone_key_id_check ON export_readiness.users IS 'phone_key_id must be 1 to 32 letters, digits, dots, dashes or underscores, and is required with an encrypted phone';
