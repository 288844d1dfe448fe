-- name: create_user(email, password_hash, company_name, business_type, company_size, iec_code, phone, profile, encryption_key)^
-- Signs a user up; returns it with the phone number decrypted. No user needs to be acting: the
-- insert runs in the definer function export_readiness.sign_up (the service has no INSERT on
-- users). The phone is stored encrypted with encryption_key (from the application's settings);
-- password_hash must be an argon2 or bcrypt hash.
-- @param iec_code: str | None
-- @param phone: str | None
-- @nonnull id, email, company_name, business_type, company_size, profile, is_active, created_at, updated_at
-- @nullable iec_code, phone, last_login_at
-- @sensitive phone
SELECT id, email, company_name, business_type, company_size, iec_code, export_readiness.decrypt(phone_encrypted, phone_key_id, :encryption_key::text) AS phone, profile, is_active, last_login_at, created_at, updated_at
FROM export_readiness.sign_up(:email, :password_hash, :company_name, :business_type, :company_size, :iec_code, export_readiness.encrypt(:phone::text, :encryption_key::text), export_readiness.current_key_id(:encryption_key::text), :profile);

-- name: get_user_by_id(user_id, encryption_key)^
-- The user with this id (phone decrypted) when it is the acting user, or none (row-level security
-- hides every other user).
-- @nullable phone
SELECT id, email, company_name, business_type, company_size, iec_code, export_readiness.decrypt(phone_encrypted, phone_key_id, :encryption_key::text) AS phone, profile, is_active, last_login_at, created_at, updated_at
FROM export_readiness.users
WHERE id = :user_id;

-- name: get_user_login_by_email(email)^
-- Sign-in, before the user is known: the id and password hash of the active user with this email
-- (any case), for the application to verify the password; none for an unknown or deactivated
-- email. Runs the definer function export_readiness.login_by_email: the service cannot read
-- password hashes otherwise.
-- @model UserLogin
-- @nonnull user_id, password_hash
SELECT user_id, password_hash
FROM export_readiness.login_by_email(:email);

-- name: update_user_profile(user_id, company_name, business_type, company_size, iec_code, phone, profile, encryption_key)^
-- Replaces the acting user's company details, phone (re-encrypted) and profile; returns the user,
-- or none for any other user.
-- @param iec_code: str | None
-- @param phone: str | None
-- @nullable phone
-- @sensitive phone
UPDATE export_readiness.users
SET company_name = :company_name,
    business_type = :business_type,
    company_size = :company_size,
    iec_code = :iec_code,
    phone_encrypted = export_readiness.encrypt(:phone::text, :encryption_key::text),
    phone_key_id = export_readiness.current_key_id(:encryption_key::text),
    profile = :profile
WHERE id = :user_id
RETURNING id, email, company_name, business_type, company_size, iec_code, export_readiness.decrypt(phone_encrypted, phone_key_id, :encryption_key::text) AS phone, profile, is_active, last_login_at, created_at, updated_at;

-- name: update_user_last_login(user_id)!
-- Records a successful sign-in now (act as the user found by get_user_login_by_email); returns the
-- number of users changed (0 or 1; 0 for any user but the acting one).
UPDATE export_readiness.users
SET last_login_at = now()
WHERE id = :user_id;

-- name: delete_user(user_id)$
-- Deletes the acting user and its reports (soft delete: from now on invisible to every query,
-- with everything that belongs to them; restorable with update_user_restored for
-- export_readiness.deletion_retention(), 30 days, then purged); returns the number of users
-- deleted (0 or 1; 0 for any user but the acting one, or one already deleted). Runs the definer
-- function export_readiness.soft_delete_user. The email is free for a new sign-up at once.
-- @nonnull deleted
SELECT export_readiness.soft_delete_user(:user_id) AS deleted;

-- name: update_user_restored(user_id)$
-- Restores the acting user (set user_id to the deleted user's id) and the reports deleted with
-- it, within 30 days of the deletion; returns 1, or 0 when that user is not deleted. Raises
-- RuleViolation (DL501) after the retention window, UniqueViolation (users_email_key) when a live
-- user signed up with the same email meanwhile.
-- @nonnull restored
SELECT export_readiness.restore_user(:user_id) AS restored;
