-- export_readiness: validate the key id checks the previous migration added NOT VALID (the rows
-- from before it hold id '1', which passes). VALIDATE CONSTRAINT scans under a SHARE UPDATE
-- EXCLUSIVE lock: reads and writes go on meanwhile.
-- depends: 0019.export_readiness.add-encryption-key-ids

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '15min';

ALTER TABLE export_readiness.users VALIDATE CONSTRAINT users_phone_key_id_check;

ALTER TABLE export_readiness.generated_documents VALIDATE CONSTRAINT generated_documents_content_key_id_check;

ALTER TABLE export_readiness.chat_messages VALIDATE CONSTRAINT chat_messages_content_key_id_check;
