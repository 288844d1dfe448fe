-- name: create_user(email, hashed_password)^
-- Creates a user (active, not a superuser); returns it. hashed_password must be an argon2 or bcrypt hash.
INSERT INTO compliance.users (email, hashed_password)
VALUES (:email, :hashed_password)
RETURNING id, email, is_active, is_superuser, created_at, updated_at;

-- name: get_user_by_id(user_id)^
-- The user with this id, or none.
SELECT id, email, is_active, is_superuser, created_at, updated_at
FROM compliance.users
WHERE id = :user_id;

-- name: get_user_by_email(email)^
-- The user with this email, whatever its case, or none.
SELECT id, email, is_active, is_superuser, created_at, updated_at
FROM compliance.users
WHERE lower(email) = lower(:email);

-- name: get_user_hashed_password_by_email(email)$
-- The stored password hash of an active user, for verifying a login in the application; none otherwise.
SELECT hashed_password
FROM compliance.users
WHERE lower(email) = lower(:email)
    AND is_active;

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
