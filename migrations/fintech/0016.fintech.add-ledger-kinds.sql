-- fintech: two more kinds of ledger entry, for the flows of 0018: card_refund (a card payment
-- given back, its own posting) and investment (cash paid for or received from a trade). The kind
-- check is replaced NOT VALID here (the existing rows are checked by 0017, a scan that lets reads
-- and writes go on).
-- depends: 0015.fintech.hide-secret-columns

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- the same check with two more values replaces it in this transaction: no guarantee is lost
-- squawk-ignore ban-drop-constraint
ALTER TABLE fintech.transactions DROP CONSTRAINT transactions_kind_check;

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_kind_check CHECK (
    kind IN ('deposit', 'withdrawal', 'transfer', 'p2p', 'card_payment', 'card_refund', 'fee', 'interest', 'investment')
) NOT VALID;

COMMENT ON CONSTRAINT transactions_kind_check ON fintech.transactions IS 'kind must be deposit, withdrawal, transfer, p2p, card_payment, card_refund, fee, interest or investment';

COMMENT ON COLUMN fintech.transactions.kind IS 'deposit, withdrawal, transfer, p2p, card_payment, card_refund, fee, interest or investment.';
