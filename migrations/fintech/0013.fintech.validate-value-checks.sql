-- fintech: validates the checks 0012 added NOT VALID (a scan under SHARE UPDATE EXCLUSIVE, which
-- lets reads and writes go on).
-- depends: 0012.fintech.add-value-checks

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE fintech.accounts VALIDATE CONSTRAINT accounts_credit_limit_scale_check;

ALTER TABLE fintech.cards VALIDATE CONSTRAINT cards_spending_limit_scale_check;

ALTER TABLE fintech.transactions VALIDATE CONSTRAINT transactions_amount_finite_check;

ALTER TABLE fintech.transactions VALIDATE CONSTRAINT transactions_balance_after_finite_check;

ALTER TABLE fintech.accounts VALIDATE CONSTRAINT accounts_balance_finite_check;

ALTER TABLE fintech.accounts VALIDATE CONSTRAINT accounts_credit_limit_finite_check;

ALTER TABLE fintech.transfers VALIDATE CONSTRAINT transfers_amount_finite_check;

ALTER TABLE fintech.transfers VALIDATE CONSTRAINT transfers_fx_rate_finite_check;

ALTER TABLE fintech.transfers VALIDATE CONSTRAINT transfers_credited_amount_finite_check;

ALTER TABLE fintech.p2p_transactions VALIDATE CONSTRAINT p2p_transactions_amount_finite_check;

ALTER TABLE fintech.p2p_transactions VALIDATE CONSTRAINT p2p_transactions_fx_rate_finite_check;

ALTER TABLE fintech.p2p_transactions VALIDATE CONSTRAINT p2p_transactions_credited_amount_finite_check;

ALTER TABLE fintech.cards VALIDATE CONSTRAINT cards_spending_limit_finite_check;

ALTER TABLE fintech.investments VALIDATE CONSTRAINT investments_quantity_finite_check;

ALTER TABLE fintech.investments VALIDATE CONSTRAINT investments_average_cost_finite_check;

ALTER TABLE fintech.investments VALIDATE CONSTRAINT investments_current_price_finite_check;

ALTER TABLE fintech.transactions VALIDATE CONSTRAINT transactions_description_length_check;

ALTER TABLE fintech.transfers VALIDATE CONSTRAINT transfers_description_length_check;

ALTER TABLE fintech.transfers VALIDATE CONSTRAINT transfers_failure_reason_length_check;

ALTER TABLE fintech.p2p_transactions VALIDATE CONSTRAINT p2p_transactions_note_length_check;

ALTER TABLE fintech.p2p_transactions VALIDATE CONSTRAINT p2p_transactions_failure_reason_length_check;

ALTER TABLE fintech.users VALIDATE CONSTRAINT users_password_hash_length_check;
