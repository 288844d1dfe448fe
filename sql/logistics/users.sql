-- name: create_user(username, email, password_hash, role, is_superuser)^
-- Creates a user from a password hash made by the application (argon2 or bcrypt); returns it.
-- The acting user (db.transaction(user_id=...)) must be an active admin, except for the very
-- first user (logistics.create_user; PermissionDenied otherwise).
-- @nonnull id, username, email, role, is_active, is_superuser, created_at, updated_at
-- @nullable last_login_at
SELECT id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at
FROM logistics.create_user(:username, :email, :password_hash, :role, :is_superuser);

-- name: create_user_with_password(username, email, password, role, is_superuser)^
-- Creates a user whose password is hashed in the database (bcrypt, cost 12, pgcrypto); returns
-- it. The password is a query parameter, masked in query logs, never stored. Same rule as
-- create_user: an active admin acts, or this is the first user.
-- @nonnull id, username, email, role, is_active, is_superuser, created_at, updated_at
-- @nullable last_login_at
SELECT id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at
FROM logistics.create_user(:username, :email, public.crypt(:password::text, public.gen_salt('bf', 12)), :role, :is_superuser);

-- name: get_user_by_id(user_id)^
-- The user with this id if it is the acting user (row-level security), or none.
SELECT id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at
FROM logistics.users
WHERE id = :user_id;

-- name: get_user_by_username(username)^
-- The user with this username, whatever its case, or none; works before any user is known
-- (sign-in), through logistics.find_user_by_username. Never the password hash.
-- @nonnull id, username, email, role, is_active, is_superuser, created_at, updated_at
-- @nullable last_login_at
SELECT id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at
FROM logistics.find_user_by_username(:username);

-- name: get_user_password_hash_by_username(username)$
-- The stored password hash of an active user, or none (for verifying a password in the
-- application), through logistics.get_password_hash.
SELECT logistics.get_password_hash(:username) AS password_hash;

-- name: exists_user_password(username, password)$
-- Whether an active user has this password (bcrypt hashes, checked by pgcrypto; false for argon2
-- hashes, which the application verifies itself), through logistics.check_password.
SELECT logistics.check_password(:username, :password) AS "password_ok!";

-- name: list_users(after_username, max_rows)
-- A page of all users by username (keyset: pass the last row's username, none for the first
-- page), for an active admin acting (logistics.list_users; PermissionDenied for anyone else).
-- @param after_username: str | None
-- @nonnull id, username, email, role, is_active, is_superuser, created_at, updated_at
-- @nullable last_login_at
SELECT id, username, email, role, is_active, is_superuser, last_login_at, created_at, updated_at
FROM logistics.list_users(:after_username, :max_rows);

-- name: update_user_last_login(user_id)!
-- Records a successful login now, for the acting user only (row-level security: run it with
-- user_id set to the user who signed in); returns the number of users changed (0 or 1).
UPDATE logistics.users
SET last_login_at = now()
WHERE id = :user_id;

-- name: update_user_active(user_id, is_active)$
-- Activates or deactivates a user, for an active admin acting (logistics.set_user_active;
-- PermissionDenied for anyone else); returns the number of users changed (0 or 1).
SELECT logistics.set_user_active(:user_id, :is_active) AS "changed!";
