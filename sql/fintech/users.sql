-- name: create_user(email, first_name, last_name, phone_number, password_hash, role)^
-- Creates a user; returns it. password_hash must be an argon2 or bcrypt hash.
-- @param phone_number: str | None
INSERT INTO fintech.users (email, first_name, last_name, phone_number, password_hash, role)
VALUES (:email, :first_name, :last_name, :phone_number, :password_hash, :role)
RETURNING id, email, first_name, last_name, phone_number, role, is_active, last_login_at, created_at, updated_at;

-- name: get_user_by_id(user_id)^
-- The user with this id, or none.
SELECT id, email, first_name, last_name, phone_number, role, is_active, last_login_at, created_at, updated_at
FROM fintech.users
WHERE id = :user_id;

-- name: get_user_by_email(email)^
-- The user with this email, whatever its case, or none.
SELECT id, email, first_name, last_name, phone_number, role, is_active, last_login_at, created_at, updated_at
FROM fintech.users
WHERE lower(email) = lower(:email);

-- name: get_user_password_hash_by_email(email)$
-- The stored password hash for a login, or none (for verifying a password in the application).
SELECT password_hash
FROM fintech.users
WHERE lower(email) = lower(:email)
    AND is_active;

-- name: update_user_profile(user_id, first_name, last_name, phone_number)^
-- Changes a user's names and phone number; returns the user, or none if there is no such user.
-- @param phone_number: str | None
UPDATE fintech.users
SET first_name = :first_name,
    last_name = :last_name,
    phone_number = :phone_number
WHERE id = :user_id
RETURNING id, email, first_name, last_name, phone_number, role, is_active, last_login_at, created_at, updated_at;

-- name: update_user_password_hash(user_id, password_hash)!
-- Replaces a user's password hash; returns the number of users changed (0 or 1).
UPDATE fintech.users
SET password_hash = :password_hash
WHERE id = :user_id;

-- name: update_user_last_login(user_id)!
-- Records a successful login now; returns the number of users changed (0 or 1).
UPDATE fintech.users
SET last_login_at = now()
WHERE id = :user_id;

-- name: update_user_active(user_id, is_active)!
-- Activates or deactivates a user; returns the number of users changed (0 or 1).
UPDATE fintech.users
SET is_active = :is_active
WHERE id = :user_id;

-- name: delete_user(user_id)!
-- Deletes a user who holds no accounts, cards or payments (refused otherwise); returns 0 or 1.
DELETE FROM fintech.users
WHERE id = :user_id;
