-- Undo 0017.fintech.validate-ledger-kinds: the kind check becomes NOT VALID again, as 0016 left
-- it (PostgreSQL cannot un-validate a constraint, so it is dropped and re-added with its comment).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE fintech.transactions DROP CONSTRAINT transactions_kind_check;

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_kind_check CHECK (
    kind IN ('deposit', 'withdrawal', 'transfer', 'p2p', 'card_payment', 'card_refund', 'fee', 'interest', 'investment')
) NOT VALID;

COMMENT ON CONSTRAINT transactions_kind_check ON fintech.transactions IS 'kind must be deposit, withdrawal, transfer, p2p, card_payment, card_refund, fee, interest or investment';
