-- fintech: no role reads a password hash, and only the service reads the encrypted card tokens.
--
-- 0010 granted SELECT on whole tables. fintech.users.password_hash is read only through
-- fintech.password_hash_for_login (a definer function, for sign-in), so the fintech roles get
-- SELECT on every other column of fintech.users. fintech.cards.token_encrypted is decrypted by the
-- service's get_card_token alone: the worker and the reports get every other column of the cards.
-- depends: 0014.fintech.create-audit-log-view 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

REVOKE SELECT ON fintech.users FROM fintech_app, fintech_worker, fintech_readonly;

GRANT SELECT (id, email, first_name, last_name, phone_number, role, is_active, last_login_at, created_at, updated_at)
ON fintech.users TO fintech_app, fintech_worker, fintech_readonly;

REVOKE SELECT ON fintech.cards FROM fintech_worker, fintech_readonly;

GRANT SELECT (id, user_id, account_id, brand, card_type, last4, cardholder_name, expiry_month, expiry_year, status, spending_limit, created_at, updated_at)
ON fintech.cards TO fintech_worker, fintech_readonly;
