-- Undo 0013.fintech.validate-value-checks: the checks become NOT VALID again, as 0012 left them.
-- PostgreSQL cannot un-validate a constraint, so each is dropped and re-added NOT VALID with its
-- comment.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE fintech.users DROP CONSTRAINT users_password_hash_length_check;

ALTER TABLE fintech.users ADD CONSTRAINT users_password_hash_length_check CHECK (length(password_hash) <= 255) NOT VALID;

COMMENT ON CONSTRAINT users_password_hash_length_check ON fintech.users IS 'password_hash must have at most 255 characters';

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_failure_reason_length_check;

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_failure_reason_length_check CHECK (length(failure_reason) <= 500) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_failure_reason_length_check ON fintech.p2p_transactions IS 'failure_reason must have at most 500 characters';

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_note_length_check;

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_note_length_check CHECK (length(note) <= 500) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_note_length_check ON fintech.p2p_transactions IS 'note must have at most 500 characters';

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_failure_reason_length_check;

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_failure_reason_length_check CHECK (length(failure_reason) <= 500) NOT VALID;

COMMENT ON CONSTRAINT transfers_failure_reason_length_check ON fintech.transfers IS 'failure_reason must have at most 500 characters';

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_description_length_check;

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_description_length_check CHECK (length(description) <= 500) NOT VALID;

COMMENT ON CONSTRAINT transfers_description_length_check ON fintech.transfers IS 'description must have at most 500 characters';

ALTER TABLE fintech.transactions DROP CONSTRAINT transactions_description_length_check;

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_description_length_check CHECK (length(description) <= 500) NOT VALID;

COMMENT ON CONSTRAINT transactions_description_length_check ON fintech.transactions IS 'description must have at most 500 characters';

ALTER TABLE fintech.investments DROP CONSTRAINT investments_current_price_finite_check;

ALTER TABLE fintech.investments ADD CONSTRAINT investments_current_price_finite_check CHECK (current_price NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT investments_current_price_finite_check ON fintech.investments IS 'current_price must be a number (not NaN nor infinite)';

ALTER TABLE fintech.investments DROP CONSTRAINT investments_average_cost_finite_check;

ALTER TABLE fintech.investments ADD CONSTRAINT investments_average_cost_finite_check CHECK (average_cost NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT investments_average_cost_finite_check ON fintech.investments IS 'average_cost must be a number (not NaN nor infinite)';

ALTER TABLE fintech.investments DROP CONSTRAINT investments_quantity_finite_check;

ALTER TABLE fintech.investments ADD CONSTRAINT investments_quantity_finite_check CHECK (quantity NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT investments_quantity_finite_check ON fintech.investments IS 'quantity must be a number (not NaN nor infinite)';

ALTER TABLE fintech.cards DROP CONSTRAINT cards_spending_limit_finite_check;

ALTER TABLE fintech.cards ADD CONSTRAINT cards_spending_limit_finite_check CHECK (spending_limit NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT cards_spending_limit_finite_check ON fintech.cards IS 'spending_limit must be a number (not NaN nor infinite)';

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_credited_amount_finite_check;

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_credited_amount_finite_check CHECK (credited_amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_credited_amount_finite_check ON fintech.p2p_transactions IS 'credited_amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_fx_rate_finite_check;

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_fx_rate_finite_check CHECK (fx_rate NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_fx_rate_finite_check ON fintech.p2p_transactions IS 'fx_rate must be a number (not NaN nor infinite)';

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_amount_finite_check;

ALTER TABLE fintech.p2p_transactions ADD CONSTRAINT p2p_transactions_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT p2p_transactions_amount_finite_check ON fintech.p2p_transactions IS 'amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_credited_amount_finite_check;

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_credited_amount_finite_check CHECK (credited_amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transfers_credited_amount_finite_check ON fintech.transfers IS 'credited_amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_fx_rate_finite_check;

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_fx_rate_finite_check CHECK (fx_rate NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transfers_fx_rate_finite_check ON fintech.transfers IS 'fx_rate must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_amount_finite_check;

ALTER TABLE fintech.transfers ADD CONSTRAINT transfers_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transfers_amount_finite_check ON fintech.transfers IS 'amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.accounts DROP CONSTRAINT accounts_credit_limit_finite_check;

ALTER TABLE fintech.accounts ADD CONSTRAINT accounts_credit_limit_finite_check CHECK (credit_limit NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT accounts_credit_limit_finite_check ON fintech.accounts IS 'credit_limit must be a number (not NaN nor infinite)';

ALTER TABLE fintech.accounts DROP CONSTRAINT accounts_balance_finite_check;

ALTER TABLE fintech.accounts ADD CONSTRAINT accounts_balance_finite_check CHECK (balance NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT accounts_balance_finite_check ON fintech.accounts IS 'balance must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transactions DROP CONSTRAINT transactions_balance_after_finite_check;

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_balance_after_finite_check CHECK (balance_after NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transactions_balance_after_finite_check ON fintech.transactions IS 'balance_after must be a number (not NaN nor infinite)';

ALTER TABLE fintech.transactions DROP CONSTRAINT transactions_amount_finite_check;

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')) NOT VALID;

COMMENT ON CONSTRAINT transactions_amount_finite_check ON fintech.transactions IS 'amount must be a number (not NaN nor infinite)';

ALTER TABLE fintech.cards DROP CONSTRAINT cards_spending_limit_scale_check;

ALTER TABLE fintech.cards ADD CONSTRAINT cards_spending_limit_scale_check CHECK (scale(spending_limit) <= 4 AND abs(spending_limit) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT cards_spending_limit_scale_check ON fintech.cards IS 'spending_limit must have at most 4 decimals and 15 integer digits (refused, not rounded)';

ALTER TABLE fintech.accounts DROP CONSTRAINT accounts_credit_limit_scale_check;

ALTER TABLE fintech.accounts ADD CONSTRAINT accounts_credit_limit_scale_check CHECK (scale(credit_limit) <= 4 AND abs(credit_limit) < 1e15) NOT VALID;

COMMENT ON CONSTRAINT accounts_credit_limit_scale_check ON fintech.accounts IS 'credit_limit must have at most 4 decimals and 15 integer digits (refused, not rounded)';
