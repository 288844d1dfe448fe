-- name: create_fee(account_id, amount, description, idempotency_key)^
-- Charges a fee to an active account (fintech.charge_fee): the user's own, or any for
-- fintech_worker; idempotently per account, funds checked. Returns the fee.
-- @nonnull id, account_id, amount, currency, description, idempotency_key, posting_id, created_at
SELECT id, account_id, amount, currency, description, idempotency_key, posting_id, created_at
FROM fintech.charge_fee(:account_id, :amount, :description, :idempotency_key);

-- name: create_interest_accrual(account_id, period_start, annual_rate)^
-- Back-office (fintech_worker): credits a savings account's interest for the calendar month
-- starting period_start, once per account and month (a re-run returns the first accrual and
-- posts nothing). Simple annual rate as a fraction; day count actual/365 on each day's closing
-- balance (see fintech.accrue_interest).
-- @nonnull id, account_id, period_start, period_end, annual_rate, day_count, balance_days, amount, currency, created_at
-- @nullable posting_id
SELECT id, account_id, period_start, period_end, annual_rate, day_count, balance_days, amount, currency, posting_id, created_at
FROM fintech.accrue_interest(:account_id, :period_start, :annual_rate);

-- name: list_interest_accruals_by_account(account_id)
-- The account's interest accruals, newest period first.
SELECT id, account_id, period_start, period_end, annual_rate, day_count, balance_days, amount, currency, posting_id, created_at
FROM fintech.interest_accruals
WHERE account_id = :account_id
ORDER BY period_start DESC;
