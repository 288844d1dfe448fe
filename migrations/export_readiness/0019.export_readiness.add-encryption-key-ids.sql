-- export_readiness: key rotation for the encrypted columns (users.phone_encrypted,
-- generated_documents.content_encrypted, chat_messages.content_encrypted).
--
-- Each value records the id of the key it is encrypted with, in <column's prefix>_key_id next to
-- it (users.phone_key_id, generated_documents.content_key_id, chat_messages.content_key_id). The
-- values written before this migration were encrypted with the one key there was: they get id '1'
-- (the column's default, a constant: no table rewrite), and the default is then dropped, so every
-- writer names the key id.
--
-- The queries no longer pass a bare key: they pass a keyring, the JSON text
-- {"current": "<id>", "keys": {"<id>": "<key>", ...}} (datalayer.export_readiness.encryption_key
-- builds it from the settings). export_readiness.encrypt(text, keyring) encrypts with the current
-- key (pgcrypto pgp_sym_encrypt), export_readiness.current_key_id(keyring) names it, and
-- export_readiness.decrypt(ciphertext, key_id, keyring) decrypts with the key of that id, so
-- during a rotation the keyring holds both keys and every value stays readable. A text that does
-- not begin with "{" is taken as a one-key keyring with id '1' (what callers passed before). The
-- keys travel as query parameters only: these functions never put a key or the keyring in an
-- error (malformed JSON is reported without its text).
--
-- Re-encrypting, for `datalayer export-readiness rotate-key`: export_readiness.reencrypt_batch
-- re-encrypts up to batch_size values of one table that are not under the current key, in id
-- order after a cursor, in the caller's transaction (commit per batch: a killed run loses nothing
-- and the next run carries on); export_readiness.encryption_key_usage() counts the values under
-- each key id. Both are SECURITY DEFINER (a rotation covers every user's rows, deleted ones
-- included, and returns ids and counts, never plaintext), EXECUTE for export_readiness_app, which
-- holds the keys.
--
-- Chat messages stay append-only: the trigger that refuses every UPDATE now lets one kind through,
-- moving the text to another key (content_key_id changes; id, session, role, sources and
-- created_at stay). Only the owner has UPDATE on the table, and only reencrypt_batch uses it.
--
-- sign_up takes the phone's key id (the old signature is replaced).
-- depends: 0018.export_readiness.name-live-email-index 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE export_readiness.users ADD COLUMN phone_key_id text DEFAULT '1';

-- squawk-ignore ban-drop-default
ALTER TABLE export_readiness.users ALTER COLUMN phone_key_id DROP DEFAULT;

ALTER TABLE export_readiness.generated_documents ADD COLUMN content_key_id text NOT NULL DEFAULT '1';

-- squawk-ignore ban-drop-default
ALTER TABLE export_readiness.generated_documents ALTER COLUMN content_key_id DROP DEFAULT;

ALTER TABLE export_readiness.chat_messages ADD COLUMN content_key_id text NOT NULL DEFAULT '1';

-- squawk-ignore ban-drop-default
ALTER TABLE export_readiness.chat_messages ALTER COLUMN content_key_id DROP DEFAULT;

ALTER TABLE export_readiness.users
    ADD CONSTRAINT users_phone_key_id_check CHECK (phone_key_id ~ '^[A-Za-z0-9_.-]{1,32}$' AND (phone_encrypted IS NULL OR phone_key_id IS NOT NULL)) NOT VALID;

ALTER TABLE export_readiness.generated_documents
    ADD CONSTRAINT generated_documents_content_key_id_check CHECK (content_key_id ~ '^[A-Za-z0-9_.-]{1,32}$') NOT VALID;

ALTER TABLE export_readiness.chat_messages
    ADD CONSTRAINT chat_messages_content_key_id_check CHECK (content_key_id ~ '^[A-Za-z0-9_.-]{1,32}$') NOT VALID;

COMMENT ON COLUMN export_readiness.users.phone_key_id IS 'Id of the key phone_encrypted is encrypted with (the keyring''s current id when written; ''1'' for values from before key ids): letters, digits, dots, dashes and underscores, at most 32 characters.';

COMMENT ON COLUMN export_readiness.generated_documents.content_key_id IS 'Id of the key content_encrypted is encrypted with (the keyring''s current id when written; ''1'' for values from before key ids): letters, digits, dots, dashes and underscores, at most 32 characters.';

COMMENT ON COLUMN export_readiness.chat_messages.content_key_id IS 'Id of the key content_encrypted is encrypted with (the keyring''s current id when written; ''1'' for values from before key ids): letters, digits, dots, dashes and underscores, at most 32 characters.';

COMMENT ON CONSTRAINT users_phone_key_id_check ON export_readiness.users IS 'phone_key_id must be 1 to 32 letters, digits, dots, dashes or underscores, and is required with an encrypted phone';

COMMENT ON CONSTRAINT generated_documents_content_key_id_check ON export_readiness.generated_documents IS 'content_key_id must be 1 to 32 letters, digits, dots, dashes or underscores';

COMMENT ON CONSTRAINT chat_messages_content_key_id_check ON export_readiness.chat_messages IS 'content_key_id must be 1 to 32 letters, digits, dots, dashes or underscores';

GRANT SELECT (phone_key_id), UPDATE (phone_key_id) ON TABLE export_readiness.users TO export_readiness_app;

GRANT SELECT (phone_key_id) ON TABLE export_readiness.users TO export_readiness_readonly;

GRANT INSERT (content_key_id) ON TABLE export_readiness.generated_documents, export_readiness.chat_messages TO export_readiness_app;

DROP TRIGGER _100_forbid_update ON export_readiness.chat_messages;

CREATE TRIGGER _100_forbid_update
    BEFORE UPDATE ON export_readiness.chat_messages
    FOR EACH ROW
    WHEN (
        NEW.content_key_id IS NOT DISTINCT FROM OLD.content_key_id
        OR (NEW.id, NEW.session_id, NEW.role, NEW.sources, NEW.created_at)
            IS DISTINCT FROM (OLD.id, OLD.session_id, OLD.role, OLD.sources, OLD.created_at)
    )
    EXECUTE FUNCTION core.tg__forbid_mutation();

-- the keyring

CREATE FUNCTION export_readiness.keyring(p_keyring text) RETURNS jsonb
LANGUAGE plpgsql
STABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_ring jsonb;
BEGIN
    IF pg_catalog.left(pg_catalog.ltrim(p_keyring), 1) <> '{' THEN
        IF p_keyring = '' THEN
            RAISE EXCEPTION 'encryption_key is empty' USING ERRCODE = '22023';
        END IF;
        RETURN pg_catalog.jsonb_build_object('current', '1', 'keys', pg_catalog.jsonb_build_object('1', p_keyring));
    END IF;
    BEGIN
        v_ring := p_keyring::jsonb;
    EXCEPTION WHEN others THEN
        v_ring := NULL;  -- the error would quote the keyring's text
    END;
    IF v_ring IS NULL
        OR pg_catalog.jsonb_typeof(v_ring -> 'current') IS DISTINCT FROM 'string'
        OR pg_catalog.jsonb_typeof(v_ring -> 'keys') IS DISTINCT FROM 'object'
        OR pg_catalog.jsonb_typeof(v_ring -> 'keys' -> (v_ring ->> 'current')) IS DISTINCT FROM 'string'
        OR (v_ring ->> 'current') !~ '^[A-Za-z0-9_.-]{1,32}$' THEN
        RAISE EXCEPTION 'encryption_key is not a keyring: expected {"current": "<key id>", "keys": {"<key id>": "<key>", ...}} with the current key among the keys'
            USING ERRCODE = '22023';
    END IF;
    RETURN v_ring;
END;
$$;

COMMENT ON FUNCTION export_readiness.keyring(text) IS 'The keyring {"current": id, "keys": {id: key}} given as JSON text, checked; a text not beginning with "{" is one key with id ''1''. Never quotes its argument in an error.';

CREATE FUNCTION export_readiness.current_key_id(p_keyring text) RETURNS text
LANGUAGE sql
STABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT export_readiness.keyring(p_keyring) ->> 'current';
$$;

COMMENT ON FUNCTION export_readiness.current_key_id(text) IS 'The id of the keyring''s current key: the key id to store with a value encrypt() returns.';

CREATE FUNCTION export_readiness.encrypt(p_data text, p_keyring text) RETURNS bytea
LANGUAGE plpgsql
VOLATILE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_ring jsonb := export_readiness.keyring(p_keyring);
BEGIN
    RETURN public.pgp_sym_encrypt(p_data, v_ring -> 'keys' ->> (v_ring ->> 'current'));
END;
$$;

COMMENT ON FUNCTION export_readiness.encrypt(text, text) IS 'p_data encrypted (pgcrypto pgp_sym_encrypt) with the keyring''s current key; store current_key_id(keyring) with it.';

CREATE FUNCTION export_readiness.decrypt(p_data bytea, p_key_id text, p_keyring text) RETURNS text
LANGUAGE plpgsql
STABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key text := export_readiness.keyring(p_keyring) -> 'keys' ->> p_key_id;
BEGIN
    IF v_key IS NULL THEN
        RAISE EXCEPTION 'the keyring has no key with id "%": the value was encrypted with it', p_key_id
            USING ERRCODE = '22023',
                HINT = 'During a rotation the keyring must hold the previous key too (DATABASE_ENCRYPTION_PREVIOUS_KEY).';
    END IF;
    RETURN public.pgp_sym_decrypt(p_data, v_key);
END;
$$;

COMMENT ON FUNCTION export_readiness.decrypt(bytea, text, text) IS 'p_data decrypted with the keyring''s key of id p_key_id (the id stored with the value); fails when the keyring lacks it or the key is wrong.';

REVOKE ALL ON FUNCTION export_readiness.keyring(text), export_readiness.current_key_id(text),
    export_readiness.encrypt(text, text), export_readiness.decrypt(bytea, text, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION export_readiness.keyring(text), export_readiness.current_key_id(text),
    export_readiness.encrypt(text, text), export_readiness.decrypt(bytea, text, text) TO export_readiness_app;

-- sign-up stores the phone's key id

-- squawk-ignore ban-drop-function
DROP FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, jsonb);

CREATE FUNCTION export_readiness.sign_up(
    p_email text,
    p_password_hash text,
    p_company_name text,
    p_business_type text,
    p_company_size text,
    p_iec_code text,
    p_phone_encrypted bytea,
    p_phone_key_id text,
    p_profile jsonb,
    OUT id uuid,
    OUT email text,
    OUT company_name text,
    OUT business_type text,
    OUT company_size text,
    OUT iec_code text,
    OUT phone_encrypted bytea,
    OUT phone_key_id text,
    OUT profile jsonb,
    OUT is_active boolean,
    OUT last_login_at timestamptz,
    OUT created_at timestamptz,
    OUT updated_at timestamptz
)
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO export_readiness.users (email, password_hash, company_name, business_type, company_size, iec_code, phone_encrypted, phone_key_id, profile)
    VALUES (p_email, p_password_hash, p_company_name, p_business_type, p_company_size, p_iec_code, p_phone_encrypted, p_phone_key_id, p_profile)
    RETURNING users.id, users.email, users.company_name, users.business_type, users.company_size, users.iec_code,
        users.phone_encrypted, users.phone_key_id, users.profile, users.is_active, users.last_login_at, users.created_at, users.updated_at;
$$;

COMMENT ON FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, text, jsonb) IS 'Sign-up, before the user is known: inserts one user (the phone already encrypted, with the id of its key) and returns it without the password hash. SECURITY DEFINER; EXECUTE for export_readiness_app.';

REVOKE ALL ON FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, text, jsonb) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, text, jsonb) TO export_readiness_app;

-- rotation

CREATE FUNCTION export_readiness.encryption_key_usage()
RETURNS TABLE (table_name text, column_name text, key_id text, value_count bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'users', 'phone_encrypted', u.phone_key_id, pg_catalog.count(*)
    FROM export_readiness.users AS u
    WHERE u.phone_encrypted IS NOT NULL
    GROUP BY u.phone_key_id
    UNION ALL
    SELECT 'generated_documents', 'content_encrypted', d.content_key_id, pg_catalog.count(*)
    FROM export_readiness.generated_documents AS d
    GROUP BY d.content_key_id
    UNION ALL
    SELECT 'chat_messages', 'content_encrypted', m.content_key_id, pg_catalog.count(*)
    FROM export_readiness.chat_messages AS m
    GROUP BY m.content_key_id
    ORDER BY 1, 3;
$$;

COMMENT ON FUNCTION export_readiness.encryption_key_usage() IS 'How many encrypted values of each table (every user''s, deleted ones included) are under each key id. SECURITY DEFINER; EXECUTE for export_readiness_app.';

CREATE FUNCTION export_readiness.reencrypt_batch(
    p_table_name text,
    p_keyring text,
    p_after_id uuid,
    p_batch_size integer,
    OUT last_id uuid,
    OUT reencrypted integer
)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_current text := export_readiness.current_key_id(p_keyring);
    v_ids uuid[];
BEGIN
    IF p_keyring IS NULL OR p_batch_size IS NULL OR p_batch_size NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'reencrypt_batch: a keyring and a batch_size between 1 and 10000 are required'
            USING ERRCODE = '22023';
    END IF;
    IF p_table_name = 'users' THEN
        SELECT pg_catalog.array_agg(b.id ORDER BY b.id) INTO v_ids
        FROM (
            SELECT u.id
            FROM export_readiness.users AS u
            WHERE u.phone_encrypted IS NOT NULL
                AND u.phone_key_id IS DISTINCT FROM v_current
                AND (p_after_id IS NULL OR u.id > p_after_id)
            ORDER BY u.id
            LIMIT p_batch_size
            FOR UPDATE
        ) AS b;
        UPDATE export_readiness.users AS u
        SET phone_encrypted = export_readiness.encrypt(export_readiness.decrypt(u.phone_encrypted, u.phone_key_id, p_keyring), p_keyring),
            phone_key_id = v_current
        WHERE u.id = ANY (v_ids);
    ELSIF p_table_name = 'generated_documents' THEN
        SELECT pg_catalog.array_agg(b.id ORDER BY b.id) INTO v_ids
        FROM (
            SELECT d.id
            FROM export_readiness.generated_documents AS d
            WHERE d.content_key_id <> v_current
                AND (p_after_id IS NULL OR d.id > p_after_id)
            ORDER BY d.id
            LIMIT p_batch_size
            FOR UPDATE
        ) AS b;
        UPDATE export_readiness.generated_documents AS d
        SET content_encrypted = export_readiness.encrypt(export_readiness.decrypt(d.content_encrypted, d.content_key_id, p_keyring), p_keyring),
            content_key_id = v_current
        WHERE d.id = ANY (v_ids);
    ELSIF p_table_name = 'chat_messages' THEN
        SELECT pg_catalog.array_agg(b.id ORDER BY b.id) INTO v_ids
        FROM (
            SELECT m.id
            FROM export_readiness.chat_messages AS m
            WHERE m.content_key_id <> v_current
                AND (p_after_id IS NULL OR m.id > p_after_id)
            ORDER BY m.id
            LIMIT p_batch_size
            FOR UPDATE
        ) AS b;
        UPDATE export_readiness.chat_messages AS m
        SET content_encrypted = export_readiness.encrypt(export_readiness.decrypt(m.content_encrypted, m.content_key_id, p_keyring), p_keyring),
            content_key_id = v_current
        WHERE m.id = ANY (v_ids);
    ELSE
        RAISE EXCEPTION 'reencrypt_batch: table_name must be users, generated_documents or chat_messages'
            USING ERRCODE = '22023';
    END IF;
    reencrypted := coalesce(pg_catalog.cardinality(v_ids), 0);
    last_id := v_ids[reencrypted];
END;
$$;

COMMENT ON FUNCTION export_readiness.reencrypt_batch(text, text, uuid, integer) IS 'Re-encrypts with the keyring''s current key up to p_batch_size values of p_table_name (users, generated_documents or chat_messages) under another key, in id order after p_after_id (NULL: from the start), every user''s; returns the last id done (the next cursor) and how many (0: none left after the cursor). Commit per batch. SECURITY DEFINER; EXECUTE for export_readiness_app.';

REVOKE ALL ON FUNCTION export_readiness.encryption_key_usage(), export_readiness.reencrypt_batch(text, text, uuid, integer) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION export_readiness.encryption_key_usage(), export_readiness.reencrypt_batch(text, text, uuid, integer) TO export_readiness_app;
