-- ruleIQ's legacy users -> compliance.users: ids, password hashes and timestamps (stored as UTC
-- without a zone) kept. Emails were unique only as typed: of two that differ in case, the older
-- user converts and the newer is refused.
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
        WHEN l.hashed_password IS NULL OR NOT (
            l.hashed_password ~ '^\$argon2(id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$'
            OR l.hashed_password ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'
        )
            THEN 'password hash is neither bcrypt nor argon2 (users_hashed_password_check)'
    END AS reason
FROM __legacy__.users AS l
JOIN ranked ON ranked.id = l.id
-- name: convert
INSERT INTO compliance.users (id, email, hashed_password, is_active, is_superuser, created_at, updated_at)
SELECT
    l.id,
    l.email,
    l.hashed_password,
    coalesce(l.is_active, true),
    coalesce(l.is_superuser, false),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.users AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_users AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.users AS l
WHERE EXISTS (SELECT FROM compliance.users AS n WHERE n.id = l.id);
