-- name: create_user(email, hashed_password)^
-- Creates a user (active, not a superuser); returns it. hashed_password must be an argon2 or bcrypt hash.
-- Sign-up needs no user in the transaction: it goes through the definer function compliance.create_user.
-- @nonnull id, email, is_active, is_superuser, created_at, updated_at
SELECT u.id, u.email, u.is_active, u.is_superuser, u.created_at, u.updated_at
FROM compliance.create_user(:email, :hashed_password) AS u;

-- name: get_user_by_id(user_id)^
-- The user with this id, or none.
SELECT id, email, is_active, is_superuser, created_at, updated_at
FROM compliance.users
WHERE id = :user_id;

-- name: get_user_by_email(email)^
-- The user with this email, whatever its case, or none. For sign-in, before a user is known: it goes
-- through the definer function compliance.find_user_by_email.
-- @nonnull id, email, is_active, is_superuser, created_at, updated_at
SELECT u.id, u.email, u.is_active, u.is_superuser, u.created_at, u.updated_at
FROM compliance.find_user_by_email(:email) AS u;

-- name: get_user_hashed_password_by_email(email)$
-- The stored password hash of an active user, for verifying a login in the application; none otherwise.
-- The only way the service reads a hash: the definer function compliance.find_user_password_hash.
SELECT compliance.find_user_password_hash(:email) AS hashed_password;

-- name: update_user_active(user_id, is_active)!
-- Activates or deactivates a user; returns the number of users changed (0 or 1).
UPDATE compliance.users
SET is_active = :is_active
WHERE id = :user_id;

-- name: delete_user(user_id)!
-- Deletes a user and everything they own; returns 0 or 1. Refused while evidence or policies they
-- approved remain.
DELETE FROM compliance.users
WHERE id = :user_id;
