-- fintech: bad input refused by the database itself, whoever writes (NOT VALID here; 0013 validates).
--
-- NaN and +-Infinity: numeric accepts 'NaN' in every column (and NaN sorts above every number, so
-- CHECK (x >= 0) lets it through); numeric(p,s) refuses the infinities but an unconstrained
-- numeric does not. Each stored numeric column gets <table>_<column>_finite_check. The generated
-- columns of fintech.investments (market_value, cost_basis) are computed from checked columns.
--
-- More than 4 decimals: numeric(19,4) rounds on input, before any CHECK, trigger or domain sees
-- the value, so no constraint on such a column can refuse 1.00005. The two money columns the
-- service writes directly and that nothing else depends on, accounts.credit_limit and
-- cards.spending_limit, become unconstrained numeric (a binary-compatible change: no rewrite)
-- with <table>_<column>_scale_check: at most 4 decimals and 15 integer digits, as numeric(19,4)
-- held. The other money columns stay numeric(19,4): balance, amount, credited_amount and
-- balance_after are written only by the posting functions, which refuse an amount or rate with
-- too many decimals before any arithmetic (transactions_amount_scale_check,
-- transactions_fx_rate_scale_check) and round only the FX product, by rule; average_cost and
-- current_price feed the generated columns of fintech.investments, which forbid a type change
-- without rebuilding those columns.
--
-- Text without a bound gets <table>_<column>_length_check, the limit stated in the column's
-- COMMENT; every other text column is already bounded by its pattern or list of values.
-- depends: 0011.fintech.enable-row-security 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- numeric(19,4) -> numeric is binary compatible: no rewrite, only the checks on credit_limit are re-checked.
-- squawk-ignore changing-column-type
ALTER TABLE fintech.accounts ALTER COLUMN credit_limit TYPE numeric;

ALTER TABLE fintech.accounts ADD CONSTRAINT accounts_credit_limit_scale_check CHECK (scale(credit_limit) <= 4 AND abs(credit_limit) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT accounts_credit_limit_scale_check ON fintech.accounts IS 'credit_limit must have at most 4 decimals and 15 integer digits (refused, not rounded)';

COMMENT ON COLUMN fintech.accounts.credit_limit IS 'How far below zero the balance may go; non-zero only for credit accounts. Money: at most 4 decimals and 15 integer digits, refused rather than rounded.';

-- numeric(19,4) -> numeric is binary compatible: no rewrite, only the checks on spending_limit are re-checked.
-- squawk-ignore changing-column-type
ALTER TABLE fintech.cards ALTER COLUMN spending_limit TYPE numeric;

ALTER TABLE fintech.cards ADD CONSTRAINT cards_spending_limit_scale_check CHECK (scale(spending_limit) <= 4 AND abs(spending_limit) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT cards_spending_limit_scale_check ON fintech.cards IS 'spending_limit must have at most 4 decimals and 15 integer digits (refused, not rounded)';

COMMENT ON COLUMN fintech.cards.spending_limit IS 'Per-card spending limit in the account''s currency; null means none. Money: at most 4 decimals and 15 integer digits, refused rather than rounded.';

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transactions_amount_finite_check ON fintech.transactions IS 'amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_balance_after_finite_check CHECK (balance_after NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transactions_balance_after_finite_check ON fintech.transactions IS 'balance_after must be a number (not NaN nor infinite)';

ALTER TABLE fintech.accounts ADD CONSTRAINT accounts_balance_finite_check CHECK (balance NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT accounts_balance_finite_check ON fintech.accounts IS 'balance must be a number (not NaN nor infinite)';

ALTER TABLE fintech.accounts ADD CONSTRAINT accounts_credit_limit_finite_check CHECK (credit_limit NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT accounts_credit_limit_finite_check ON fintech.accounts IS 'credit_limit must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transfers_amount_finite_check ON fintech.transfers IS 'amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_fx_rate_finite_check CHECK (fx_rate NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transfers_fx_rate_finite_check ON fintech.transfers IS 'fx_rate must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_credited_amount_finite_check CHECK (credited_amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transfers_credited_amount_finite_check ON fintech.transfers IS 'credited_amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_amount_finite_check ON fintech.p2p_transactions IS 'amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_fx_rate_finite_check CHECK (fx_rate NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_fx_rate_finite_check ON fintech.p2p_transactions IS 'fx_rate must be a number (not NaN nor infinite)';

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_credited_amount_finite_check CHECK (credited_amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_credited_amount_finite_check ON fintech.p2p_transactions IS 'credited_amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.cards ADD CONSTRAINT cards_spending_limit_finite_check CHECK (spending_limit NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT cards_spending_limit_finite_check ON fintech.cards IS 'spending_limit must be a number (not NaN nor infinite)';

ALTER TABLE fintech.investments ADD CONSTRAINT investments_quantity_finite_check CHECK (quantity NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT investments_quantity_finite_check ON fintech.investments IS 'quantity must be a number (not NaN nor infinite)';

ALTER TABLE fintech.investments ADD CONSTRAINT investments_average_cost_finite_check CHECK (average_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT investments_average_cost_finite_check ON fintech.investments IS 'average_cost must be a number (not NaN nor infinite)';

ALTER TABLE fintech.investments ADD CONSTRAINT investments_current_price_finite_check CHECK (current_price NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT investments_current_price_finite_check ON fintech.investments IS 'current_price must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_description_length_check CHECK (length(description) <= 500) NOT VALID;

COMMENT ON CONSTRAINT transactions_description_length_check ON fintech.transactions IS 'description must have at most 500 characters';

COMMENT ON COLUMN fintech.transactions.description IS 'Free text shown on the statement; at most 500 characters.';

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_description_length_check CHECK (length(description) <= 500) NOT VALID;

COMMENT ON CONSTRAINT transfers_description_length_check ON fintech.transfers IS 'description must have at most 500 characters';

COMMENT ON COLUMN fintech.transfers.description IS 'The customer''s own words for the transfer; at most 500 characters.';

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_failure_reason_length_check CHECK (length(failure_reason) <= 500) NOT VALID;

COMMENT ON CONSTRAINT transfers_failure_reason_length_check ON fintech.transfers IS 'failure_reason must have at most 500 characters';

COMMENT ON COLUMN fintech.transfers.failure_reason IS 'Why the transfer failed (status failed only); at most 500 characters.';

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_note_length_check CHECK (length(note) <= 500) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_note_length_check ON fintech.p2p_transactions IS 'note must have at most 500 characters';

COMMENT ON COLUMN fintech.p2p_transactions.note IS 'The sender''s note to the recipient; at most 500 characters.';

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_failure_reason_length_check CHECK (length(failure_reason) <= 500) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_failure_reason_length_check ON fintech.p2p_transactions IS 'failure_reason must have at most 500 characters';

COMMENT ON COLUMN fintech.p2p_transactions.failure_reason IS 'Why the payment failed (status failed only); at most 500 characters.';

ALTER TABLE fintech.users ADD CONSTRAINT users_password_hash_length_check CHECK (length(password_hash) <= 255) NOT VALID;

COMMENT ON CONSTRAINT users_password_hash_length_check ON fintech.users IS 'password_hash must have at most 255 characters';

COMMENT ON COLUMN fintech.users.password_hash IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password. At most 255 characters.';
