-- Undo 0019.export_readiness.add-encryption-key-ids. Before key ids the queries decrypt with one
-- key, so this refuses while the values are under more than one key id (finish the rotation
-- first); afterwards DATABASE_ENCRYPTION_KEY must be the key of the one id left.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DO $$
BEGIN
    IF (SELECT count(DISTINCT key_id) FROM export_readiness.encryption_key_usage()) > 1 THEN
        RAISE EXCEPTION 'encrypted values are under more than one key id: finish the key rotation before rolling back 0019.export_readiness.add-encryption-key-ids';
    END IF;
END;
$$;

DROP FUNCTION export_readiness.reencrypt_batch(text, text, uuid, integer);

DROP FUNCTION export_readiness.encryption_key_usage();

DROP FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, text, jsonb);

CREATE FUNCTION export_readiness.sign_up(
    p_email text,
    p_password_hash text,
    p_company_name text,
    p_business_type text,
    p_company_size text,
    p_iec_code text,
    p_phone_encrypted bytea,
    p_profile jsonb,
    OUT id uuid,
    OUT email text,
    OUT company_name text,
    OUT business_type text,
    OUT company_size text,
    OUT iec_code text,
    OUT phone_encrypted bytea,
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
    INSERT INTO export_readiness.users (email, password_hash, company_name, business_type, company_size, iec_code, phone_encrypted, profile)
    VALUES (p_email, p_password_hash, p_company_name, p_business_type, p_company_size, p_iec_code, p_phone_encrypted, p_profile)
    RETURNING users.id, users.email, users.company_name, users.business_type, users.company_size, users.iec_code,
        users.phone_encrypted, users.profile, users.is_active, users.last_login_at, users.created_at, users.updated_at;
$$;

COMMENT ON FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, jsonb) IS 'Sign-up, before the user is known: inserts one user and returns it without the password hash. SECURITY DEFINER; EXECUTE for export_readiness_app.';

REVOKE ALL ON FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, jsonb) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION export_readiness.sign_up(text, text, text, text, text, text, bytea, jsonb) TO export_readiness_app;

DROP FUNCTION export_readiness.decrypt(bytea, text, text);

DROP FUNCTION export_readiness.encrypt(text, text);

DROP FUNCTION export_readiness.current_key_id(text);

DROP FUNCTION export_readiness.keyring(text);

DROP TRIGGER _100_forbid_update ON export_readiness.chat_messages;

CREATE TRIGGER _100_forbid_update
    BEFORE UPDATE ON export_readiness.chat_messages
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

REVOKE INSERT (content_key_id) ON TABLE export_readiness.generated_documents, export_readiness.chat_messages FROM export_readiness_app;

REVOKE SELECT (phone_key_id) ON TABLE export_readiness.users FROM export_readiness_readonly;

REVOKE SELECT (phone_key_id), UPDATE (phone_key_id) ON TABLE export_readiness.users FROM export_readiness_app;

ALTER TABLE export_readiness.chat_messages DROP COLUMN content_key_id;

ALTER TABLE export_readiness.generated_documents DROP COLUMN content_key_id;

ALTER TABLE export_readiness.users DROP COLUMN phone_key_id;
