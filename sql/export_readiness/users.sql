-- name: create_user(email, password_hash, company_name, business_type, company_size, iec_code, phone, profile, encryption_key)^
-- Creates a user; returns it with the phone number decrypted. The phone is stored encrypted with
-- encryption_key (from the application's settings); password_hash must be an argon2 or bcrypt hash.
-- @param iec_code: str | None
-- @param phone: str | None
-- @nullable phone
INSERT INTO export_readiness.users (email, password_hash, company_name, business_type, company_size, iec_code, phone_encrypted, profile)
VALUES (:email, :password_hash, :company_name, :business_type, :company_size, :iec_code, public.pgp_sym_encrypt(:phone::text, :encryption_key::text), :profile)
RETURNING id, email, company_name, business_type, company_size, iec_code, public.pgp_sym_decrypt(phone_encrypted, :encryption_key::text) AS phone, profile, is_active, last_login_at, created_at, updated_at;

-- name: get_user_by_id(user_id, encryption_key)^
-- The user with this id (phone decrypted), or none.
-- @nullable phone
SELECT id, email, company_name, business_type, company_size, iec_code, public.pgp_sym_decrypt(phone_encrypted, :encryption_key::text) AS phone, profile, is_active, last_login_at, created_at, updated_at
FROM export_readiness.users
WHERE id = :user_id;

-- name: get_user_by_email(email, encryption_key)^
-- The user with this email whatever its case (phone decrypted), or none.
-- @nullable phone
SELECT id, email, company_name, business_type, company_size, iec_code, public.pgp_sym_decrypt(phone_encrypted, :encryption_key::text) AS phone, profile, is_active, last_login_at, created_at, updated_at
FROM export_readiness.users
WHERE lower(email) = lower(:email);

-- name: get_user_password_hash_by_email(email)$
-- The stored password hash of an active user, for verifying a login in the application; none otherwise.
SELECT password_hash
FROM export_readiness.users
WHERE lower(email) = lower(:email)
    AND is_active;

-- name: update_user_profile(user_id, company_name, business_type, company_size, iec_code, phone, profile, encryption_key)^
-- Replaces a user's company details, phone (re-encrypted) and profile; returns the user, or none.
-- @param iec_code: str | None
-- @param phone: str | None
-- @nullable phone
UPDATE export_readiness.users
SET company_name = :company_name,
    business_type = :business_type,
    company_size = :company_size,
    iec_code = :iec_code,
    phone_encrypted = public.pgp_sym_encrypt(:phone::text, :encryption_key::text),
    profile = :profile
WHERE id = :user_id
RETURNING id, email, company_name, business_type, company_size, iec_code, public.pgp_sym_decrypt(phone_encrypted, :encryption_key::text) AS phone, profile, is_active, last_login_at, created_at, updated_at;

-- name: update_user_last_login(user_id)!
-- Records a successful login now; returns the number of users changed (0 or 1).
UPDATE export_readiness.users
SET last_login_at = now()
WHERE id = :user_id;

-- name: delete_user(user_id)!
-- Deletes a user and, by cascade, all their data; returns the number of users deleted (0 or 1).
DELETE FROM export_readiness.users
WHERE id = :user_id;
