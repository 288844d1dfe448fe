-- ExportSathi's legacy users -> export_readiness.users. Ids, password hashes and timestamps kept;
-- the phone number, stored in clear, is encrypted with the application's current key through
-- export_readiness.encrypt(text, keyring), as the application's queries write it, and phone_key_id
-- records that key's id (export_readiness.current_key_id); deleted_at stays null (no legacy user
-- is deleted: the old stack deleted rows outright); emails differing only in case keep the
-- older user. A profile holding identity or bank numbers is refused: the new profile may not
-- carry them (users_profile_check) and they are not moved anywhere silently.
-- legacy: users
-- key: l.id
-- name: refuse
WITH ranked AS (
    SELECT u.id, row_number() OVER (PARTITION BY lower(u.email) ORDER BY u.created_at, u.id) AS nth
    FROM __legacy__.users AS u
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.email IS NULL OR length(l.email) > 254
            OR l.email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
            THEN 'email is not an address (users_email_check)'
        WHEN ranked.nth > 1
            THEN 'duplicate email: an older user has the same address in another case (users_email_key)'
        WHEN l.password_hash IS NULL OR NOT (
            l.password_hash ~ '^\$argon2(id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$'
            OR l.password_hash ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'
        )
            THEN 'password hash is neither bcrypt nor argon2 (users_password_hash_check)'
        WHEN length(btrim(coalesce(l.company_name, ''))) NOT BETWEEN 1 AND 200
            THEN 'company name empty or longer than 200 (users_company_name_check)'
        WHEN l.business_type NOT IN ('Manufacturing', 'SaaS', 'Merchant')
            THEN 'business type outside Manufacturing, SaaS, Merchant (users_business_type_check)'
        WHEN l.company_size NOT IN ('Micro', 'Small', 'Medium')
            THEN 'company size outside Micro, Small, Medium (users_company_size_check)'
        WHEN l.iec_code !~ '^[A-Z0-9]{10}$'
            THEN 'IEC code is not ten letters or digits (users_iec_code_check)'
        WHEN l.profile IS NOT NULL AND jsonb_typeof(l.profile) <> 'object'
            THEN 'profile is not a JSON object (users_profile_check)'
        WHEN l.profile ?| ARRAY['phone', 'pan', 'aadhaar', 'bank_account', 'password']
            THEN 'profile holds a phone, identity, bank or password value (users_profile_check)'
        WHEN l.phone = ''
            THEN 'empty phone number (users_phone_encrypted_check)'
    END AS reason
FROM __legacy__.users AS l
JOIN ranked ON ranked.id = l.id
-- name: convert
INSERT INTO export_readiness.users (
    id, email, password_hash, company_name, business_type, company_size, iec_code,
    phone_encrypted, phone_key_id, profile, created_at, updated_at
)
SELECT
    l.id,
    l.email,
    l.password_hash,
    btrim(l.company_name),
    l.business_type,
    l.company_size,
    l.iec_code,
    export_readiness.encrypt(l.phone, current_setting('datalayer.adopt_keyring')),
    CASE WHEN l.phone IS NOT NULL THEN export_readiness.current_key_id(current_setting('datalayer.adopt_keyring')) END,
    coalesce(l.profile, '{}'),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.users AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_users AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.users AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.users AS l
WHERE EXISTS (SELECT FROM export_readiness.users AS n WHERE n.id = l.id);
