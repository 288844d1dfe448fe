-- Senga's legacy users -> logistics.users. The old tables keyed rows by integers; each row's new
-- id is derived from its table and old key (md5('senga.<table>.' || id)::uuid), so a relation
-- converts by computing its target's id, and a second run finds the same ids. Password hashes
-- are kept. The seed's default accounts (admin/admin123, user/user123) are refused while they
-- still have their published passwords; usernames and emails are unique ignoring case now.
-- legacy: users
-- key: l.id
-- name: refuse
WITH ranked AS (
    SELECT
        u.id,
        row_number() OVER (PARTITION BY lower(u.username) ORDER BY u.created_at, u.id) AS nth_name,
        row_number() OVER (PARTITION BY lower(u.email) ORDER BY u.created_at, u.id) AS nth_email
    FROM __legacy__.users AS u
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN CASE
            WHEN l.username IN ('admin', 'user') AND l.hashed_password ~ '^\$2a\$[0-9]{2}\$'
                THEN public.crypt(CASE l.username WHEN 'admin' THEN 'admin123' ELSE 'user123' END, l.hashed_password) = l.hashed_password
            ELSE false
        END
            THEN 'a default account with its published password (seed: admin/admin123, user/user123)'
        WHEN l.username IS NULL OR l.username !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{2,49}$'
            THEN 'username is not 3 to 50 letters, digits, dots, dashes or underscores (users_username_check)'
        WHEN ranked.nth_name > 1
            THEN 'duplicate username: an older user has it in another case (users_username_key)'
        WHEN l.email IS NULL OR length(l.email) > 254
            OR l.email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
            THEN 'email is not an address (users_email_check)'
        WHEN ranked.nth_email > 1
            THEN 'duplicate email: an older user has it in another case (users_email_key)'
        WHEN l.hashed_password IS NULL OR NOT (
            l.hashed_password ~ '^\$argon2(id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$'
            OR l.hashed_password ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'
        )
            THEN 'password hash is neither bcrypt nor argon2 (users_password_hash_check)'
        WHEN coalesce(l.role, 'user') NOT IN ('user', 'manager', 'admin')
            THEN 'role outside user, manager, admin (users_role_check)'
        WHEN coalesce(l.is_superuser, false) AND l.role IS DISTINCT FROM 'admin'
            THEN 'a superuser that is not an admin (users_superuser_check)'
    END AS reason
FROM __legacy__.users AS l
JOIN ranked ON ranked.id = l.id
-- name: convert
INSERT INTO logistics.users (
    id, username, email, password_hash, role, is_active, is_superuser, last_login_at,
    created_at, updated_at
)
SELECT
    md5('senga.users.' || l.id)::uuid,
    l.username,
    l.email,
    l.hashed_password,
    coalesce(l.role, 'user'),
    coalesce(l.is_active, true),
    coalesce(l.is_superuser, false),
    l.last_login AT TIME ZONE 'UTC',
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.users AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_users AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.users AS l
WHERE EXISTS (SELECT FROM logistics.users AS n WHERE n.id = md5('senga.users.' || l.id)::uuid);
