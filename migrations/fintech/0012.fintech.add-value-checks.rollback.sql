-- Undo 0012.fintech.add-value-checks.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE fintech.cards ALTER COLUMN spending_limit TYPE numeric(19, 4);

ALTER TABLE fintech.cards DROP CONSTRAINT cards_spending_limit_scale_check;

COMMENT ON COLUMN fintech.cards.spending_limit IS 'Per-card spending limit in the account''s currency; null means none.';

ALTER TABLE fintech.accounts ALTER COLUMN credit_limit TYPE numeric(19, 4);

ALTER TABLE fintech.accounts DROP CONSTRAINT accounts_credit_limit_scale_check;

COMMENT ON COLUMN fintech.accounts.credit_limit IS 'How far below zero the balance may go; non-zero only for credit accounts.';

ALTER TABLE fintech.investments DROP CONSTRAINT investments_current_price_finite_check;

ALTER TABLE fintech.investments DROP CONSTRAINT investments_average_cost_finite_check;

ALTER TABLE fintech.investments DROP CONSTRAINT investments_quantity_finite_check;

ALTER TABLE fintech.cards DROP CONSTRAINT cards_spending_limit_finite_check;

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_credited_amount_finite_check;

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_fx_rate_finite_check;

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_amount_finite_check;

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_credited_amount_finite_check;

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_fx_rate_finite_check;

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_amount_finite_check;

ALTER TABLE fintech.accounts DROP CONSTRAINT accounts_credit_limit_finite_check;

ALTER TABLE fintech.accounts DROP CONSTRAINT accounts_balance_finite_check;

ALTER TABLE fintech.transactions DROP CONSTRAINT transactions_balance_after_finite_check;

ALTER TABLE fintech.transactions DROP CONSTRAINT transactions_amount_finite_check;

ALTER TABLE fintech.users DROP CONSTRAINT users_password_hash_length_check;

COMMENT ON COLUMN fintech.users.password_hash IS 'An argon2 ($argon2id$...) or bcrypt ($2b$...) hash; never a password.';

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_failure_reason_length_check;

COMMENT ON COLUMN fintech.p2p_transactions.failure_reason IS NULL;

ALTER TABLE fintech.p2p_transactions DROP CONSTRAINT p2p_transactions_note_length_check;

COMMENT ON COLUMN fintech.p2p_transactions.note IS NULL;

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_failure_reason_length_check;

COMMENT ON COLUMN fintech.transfers.failure_reason IS NULL;

ALTER TABLE fintech.transfers DROP CONSTRAINT transfers_description_length_check;

COMMENT ON COLUMN fintech.transfers.description IS NULL;

ALTER TABLE fintech.transactions DROP CONSTRAINT transactions_description_length_check;

COMMENT ON COLUMN fintech.transactions.description IS NULL;
