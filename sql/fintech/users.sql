-- name: create_user(email, first_name, last_name, phone_number, password_hash)^
-- Signs up a customer (fintech.sign_up: before any user is known); returns it. password_hash must
-- be an argon2 or bcrypt hash.
-- @param phone_number: str | None
-- @nonnull id, email, first_name, last_name, role, is_active, created_at, updated_at
-- @nullable phone_number, last_login_at
SELECT id, email, first_name, last_name, phone_number, role, is_active, last_login_at, created_at, updated_at
FROM fintech.sign_up(:email, :first_name, :last_name, :phone_number, :password_hash);

-- name: get_user_by_id(user_id)^
-- The user with this id, or none.
SELECT id, email, first_name, last_name, phone_number, role, is_active, last_login_at, created_at, updated_at
FROM fintech.users
WHERE id = :user_id;

-- name: get_user_by_email(email)^
-- The user with this email, whatever its case, or none (fintech.find_user_by_email: sign-in,
-- before a user is known).
-- @nonnull id, email, first_name, last_name, role, is_active, created_at, updated_at
-- @nullable phone_number, last_login_at
SELECT id, email, first_name, last_name, phone_number, role, is_active, last_login_at, created_at, updated_at
FROM fintech.find_user_by_email(:email);

-- name: get_user_password_hash_by_email(email)$
-- The stored password hash of an active login, or none (for verifying a password in the
-- application; fintech.password_hash_for_login, before a user is known).
SELECT fintech.password_hash_for_login(:email) AS password_hash;

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
