-- name: create_account(user_id, account_number, account_name, account_type, currency, credit_limit)^
-- Opens an account with a zero balance; returns it.
INSERT INTO fintech.accounts (user_id, account_number, account_name, account_type, currency, credit_limit)
VALUES (:user_id, :account_number, :account_name, :account_type, :currency, :credit_limit)
RETURNING id, user_id, account_number, account_name, account_type, currency, balance, credit_limit, status, closed_at, created_at, updated_at;

-- name: get_account_by_id(account_id, user_id)^
-- The account, if it belongs to this user; none otherwise.
SELECT id, user_id, account_number, account_name, account_type, currency, balance, credit_limit, status, closed_at, created_at, updated_at
FROM fintech.accounts
WHERE id = :account_id
    AND user_id = :user_id;

-- name: list_accounts_by_user(user_id)
-- The user's accounts, oldest first.
SELECT id, user_id, account_number, account_name, account_type, currency, balance, credit_limit, status, closed_at, created_at, updated_at
FROM fintech.accounts
WHERE user_id = :user_id
ORDER BY created_at, id;

-- name: update_account_name(account_id, user_id, account_name)^
-- Renames the user's account; returns it, or none if the user has no such account.
UPDATE fintech.accounts
SET account_name = :account_name
WHERE id = :account_id
    AND user_id = :user_id
RETURNING id, user_id, account_number, account_name, account_type, currency, balance, credit_limit, status, closed_at, created_at, updated_at;

-- name: update_account_frozen(account_id, frozen)^
-- Freezes (frozen = true) or unfreezes an account that is not closed; returns it, or none.
UPDATE fintech.accounts
SET status = CASE WHEN :frozen::boolean THEN 'frozen' ELSE 'active' END
WHERE id = :account_id
    AND status <> 'closed'
RETURNING id, user_id, account_number, account_name, account_type, currency, balance, credit_limit, status, closed_at, created_at, updated_at;

-- name: update_account_closed(account_id, user_id)^
-- Closes the user's account (its balance must be zero); returns it, or none.
UPDATE fintech.accounts
SET status = 'closed',
    closed_at = now()
WHERE id = :account_id
    AND user_id = :user_id
    AND status <> 'closed'
RETURNING id, user_id, account_number, account_name, account_type, currency, balance, credit_limit, status, closed_at, created_at, updated_at;
