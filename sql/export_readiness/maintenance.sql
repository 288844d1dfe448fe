-- name: list_encryption_key_usage()
-- How many encrypted values of each table (users' phones, generated documents, chat messages;
-- every user's, deleted ones included) are under each key id, by table then key id. Runs the
-- definer function export_readiness.encryption_key_usage: no user needs to be acting.
-- @model EncryptionKeyUsage
-- @nonnull table_name, column_name, key_id, value_count
SELECT table_name, column_name, key_id, value_count
FROM export_readiness.encryption_key_usage();

-- name: update_reencrypted_batch(table_name, encryption_key, after_id, batch_size)^
-- Key rotation: re-encrypts with the keyring's current key up to batch_size values of table_name
-- (users, generated_documents or chat_messages) that are under another key of the keyring, in id
-- order after after_id (none: from the start), every user's. Returns the last id done (pass it as
-- after_id next) and how many (0: none left after after_id). Commit after each batch: a run
-- stopped at any point loses nothing, and the next run re-encrypts what is left. Runs the definer
-- function export_readiness.reencrypt_batch.
-- @param after_id: UUID | None
-- @model ReencryptedBatch
-- @nonnull reencrypted
-- @nullable last_id
SELECT last_id, reencrypted
FROM export_readiness.reencrypt_batch(:table_name, :encryption_key, :after_id, :batch_size);

-- name: delete_users_and_reports_past_retention(as_of)^
-- For the owner (a scheduled job as the migration login; the service may not run it): removes for
-- good the users and reports deleted more than export_readiness.deletion_retention() (30 days)
-- before as_of (none: the database's now; never after it), with every row that belongs to them;
-- returns how many users, and how many reports besides those of the purged users.
-- @param as_of: datetime | None
-- @model PurgedCounts
-- @nonnull users_purged, reports_purged
SELECT users_purged, reports_purged
FROM export_readiness.purge_deleted(coalesce(:as_of::timestamptz, now()));
