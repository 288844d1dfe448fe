-- HoardRun's legacy users (seed 004, User) -> fintech.users. Ids, password hashes (bcrypt or
-- argon2, as stored) and timestamps (stored as UTC without a zone) are kept. Emails were unique
-- only as typed: of two that differ in case, the older user converts and the newer is refused.
-- legacy: users
-- key: l.id
-- name: refuse
WITH ranked AS (
    SELECT
        u.id,
        row_number() OVER (PARTITION BY lower(u.email) ORDER BY u.created_at, u.id) AS nth
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
        WHEN length(btrim(coalesce(l.first_name, ''))) NOT BETWEEN 1 AND 100
            OR length(btrim(coalesce(l.last_name, ''))) NOT BETWEEN 1 AND 100
            THEN 'first or last name empty or longer than 100 (users_first_name_check, users_last_name_check)'
        WHEN NOT (
            l.password_hash ~ '^\$argon2(id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$'
            OR l.password_hash ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'
        ) OR l.password_hash IS NULL
            THEN 'password hash is neither bcrypt nor argon2 (users_password_hash_check)'
        WHEN l.phone_number !~ '^\+[1-9][0-9]{6,14}$'
            THEN 'phone number is not in E.164 form (users_phone_number_check)'
        WHEN l.role IS NULL OR l.role NOT IN ('customer', 'support', 'admin')
            THEN 'role outside customer, support, admin (users_role_check)'
    END AS reason
FROM __legacy__.users AS l
JOIN ranked ON ranked.id = l.id
-- name: convert
INSERT INTO fintech.users (
    id, email, first_name, last_name, phone_number, password_hash, role, is_active,
    last_login_at, created_at, updated_at
)
SELECT
    l.id,
    l.email,
    btrim(l.first_name),
    btrim(l.last_name),
    l.phone_number,
    l.password_hash,
    l.role,
    coalesce(l.is_active, true),
    l.last_login AT TIME ZONE 'UTC',
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.users AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_users AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.users AS l
WHERE EXISTS (SELECT FROM fintech.users AS n WHERE n.id = l.id);
