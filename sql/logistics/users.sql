-- name: create_user(username, email, password_hash, role, is_superuser)^
-- Creates a user from a password hash made by the application (argon2 or bcrypt); returns it.
INSERT INTO logistics.users (username, email, password_hash, role, is_superuser)
VALUES (:username, :email, :password_hash, :role, :is_superuser)
RETURNING id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at;

-- name: create_user_with_password(username, email, password, role, is_superuser)^
-- Creates a user whose password is hashed in the database (bcrypt, cost 12, pgcrypto); returns
-- it. The password is a query parameter, masked in query logs, never stored.
INSERT INTO logistics.users (username, email, password_hash, role, is_superuser)
VALUES (:username, :email, public.crypt(:password::text, public.gen_salt('bf', 12)), :role, :is_superuser)
RETURNING id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at;

-- name: get_user_by_id(user_id)^
-- The user with this id, or none.
SELECT id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at
FROM logistics.users
WHERE id = :user_id;

-- name: get_user_by_username(username)^
-- The user with this username, whatever its case, or none.
SELECT id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at
FROM logistics.users
WHERE lower(username) = lower(:username);

-- name: get_user_password_hash_by_username(username)$
-- The stored password hash of an active user, or none (for verifying a password in the application).
SELECT password_hash
FROM logistics.users
WHERE lower(username) = lower(:username)
    AND is_active;

-- name: exists_user_password(username, password)$
-- Whether an active user has this password (bcrypt hashes, checked by pgcrypto; false for argon2
-- hashes, which the application verifies itself).
SELECT EXISTS (
    SELECT 1
    FROM logistics.users
    WHERE lower(username) = lower(:username)
        AND is_active
        AND password_hash LIKE '$2%'
        AND password_hash = public.crypt(:password::text, password_hash)
);

-- name: list_users(after_username, max_rows)
-- A page of users by username (keyset: pass the last row's username, none for the first page).
-- @param after_username: str | None
SELECT id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at
FROM logistics.users
WHERE lower(username) > lower(coalesce(:after_username::text, ''))
ORDER BY lower(username)
LIMIT :max_rows::int;

-- name: update_user_last_login(user_id)!
-- Records a successful login now; returns the number of users changed (0 or 1).
UPDATE logistics.users
SET last_login_at = now()
WHERE id = :user_id;

-- name: update_user_active(user_id, is_active)!
-- Activates or deactivates a user; returns the number of users changed (0 or 1).
UPDATE logistics.users
SET is_active = :is_active
WHERE id = :user_id;
