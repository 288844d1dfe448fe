-- Undo 0016.fintech.add-ledger-kinds: the kind check of 0005 again (refused while entries of the
-- new kinds exist).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE fintech.transactions DROP CONSTRAINT transactions_kind_check;

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_kind_check CHECK (
    kind IN ('deposit', 'withdrawal', 'transfer', 'p2p', 'card_payment', 'fee', 'interest')
);

COMMENT ON CONSTRAINT transactions_kind_check ON fintech.transactions IS 'kind must be deposit, withdrawal, transfer, p2p, card_payment, fee or interest';

COMMENT ON COLUMN fintech.transactions.kind IS 'deposit, withdrawal, transfer, p2p, card_payment, fee or interest.';
