-- fintech.transactions: the ledger. Append-only: core.tg__forbid_mutation() refuses UPDATE,
-- DELETE and TRUNCATE for every role, and UPDATE/DELETE/TRUNCATE are revoked from PUBLIC.
-- Double-entry: every movement is one posting (posting_id) whose entries sum to zero per currency,
-- checked at commit by a deferred constraint trigger. Money entering or leaving the bank (a deposit,
-- a withdrawal, a card payment) and the two sides of a currency exchange are booked on clearing legs:
-- entries with no account_id (and no balance_after), the bank's position in that currency.
-- Entries are written only inside a posting (fintech.tg__require_posting), in their account's
-- currency (foreign key to accounts (id, currency)).
-- Statement index: (account_id, created_at DESC, id) for keyset pagination; it also serves the
-- foreign key, whose leading column it is.
-- depends: 0004.fintech.create-p2p-transactions

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE fintech.transactions (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    posting_id uuid NOT NULL,
    account_id uuid,
    amount numeric(19, 4) NOT NULL,
    currency text NOT NULL,
    kind text NOT NULL,
    balance_after numeric(19, 4),
    transfer_id uuid,
    p2p_transaction_id uuid,
    description text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT transactions_pkey PRIMARY KEY (id),
    CONSTRAINT transactions_account_id_fkey FOREIGN KEY (account_id, currency) REFERENCES fintech.accounts (id, currency) ON DELETE RESTRICT,
    CONSTRAINT transactions_transfer_id_fkey FOREIGN KEY (transfer_id) REFERENCES fintech.transfers (id) ON DELETE RESTRICT,
    CONSTRAINT transactions_p2p_transaction_id_fkey FOREIGN KEY (p2p_transaction_id) REFERENCES fintech.p2p_transactions (id) ON DELETE RESTRICT,
    CONSTRAINT transactions_amount_check CHECK (amount <> 0),
    CONSTRAINT transactions_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT transactions_kind_check CHECK (kind IN ('deposit', 'withdrawal', 'transfer', 'p2p', 'card_payment', 'fee', 'interest')),
    CONSTRAINT transactions_clearing_leg_check CHECK ((account_id IS NULL) = (balance_after IS NULL)),
    CONSTRAINT transactions_reference_check CHECK (
        (kind = 'transfer') = (transfer_id IS NOT NULL)
        AND (kind = 'p2p') = (p2p_transaction_id IS NOT NULL)
    )
);

COMMENT ON TABLE fintech.transactions IS 'The ledger: append-only, double-entry (each posting sums to zero per currency).';

COMMENT ON COLUMN fintech.transactions.posting_id IS 'Groups the entries of one movement; they sum to zero per currency.';

COMMENT ON COLUMN fintech.transactions.account_id IS 'The account moved; null for a clearing leg (the bank''s position in currency).';

COMMENT ON COLUMN fintech.transactions.amount IS 'Signed: positive credits the account, negative debits it.';

COMMENT ON COLUMN fintech.transactions.balance_after IS 'The account''s balance right after this entry; null on clearing legs.';

COMMENT ON COLUMN fintech.transactions.kind IS 'deposit, withdrawal, transfer, p2p, card_payment, fee or interest.';

COMMENT ON CONSTRAINT transactions_amount_check ON fintech.transactions IS 'a ledger entry cannot be zero';

COMMENT ON CONSTRAINT transactions_kind_check ON fintech.transactions IS 'kind must be deposit, withdrawal, transfer, p2p, card_payment, fee or interest';

COMMENT ON CONSTRAINT transactions_clearing_leg_check ON fintech.transactions IS 'an account entry has balance_after; a clearing leg (no account) has none';

COMMENT ON CONSTRAINT transactions_account_id_fkey ON fintech.transactions IS 'an entry must name an existing account, in that account''s currency';

COMMENT ON CONSTRAINT transactions_reference_check ON fintech.transactions IS 'transfer entries reference their transfer, p2p entries their payment, and no others';

CREATE INDEX transactions_account_id_created_at_idx ON fintech.transactions (account_id, created_at DESC, id);

CREATE INDEX transactions_posting_id_idx ON fintech.transactions (posting_id);

CREATE INDEX transactions_transfer_id_idx ON fintech.transactions (transfer_id) WHERE transfer_id IS NOT NULL;

CREATE INDEX transactions_p2p_transaction_id_idx ON fintech.transactions (p2p_transaction_id) WHERE p2p_transaction_id IS NOT NULL;

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON fintech.transactions
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

CREATE TRIGGER _100_forbid_truncate
    BEFORE TRUNCATE ON fintech.transactions
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__forbid_mutation();

REVOKE UPDATE, DELETE, TRUNCATE ON fintech.transactions FROM PUBLIC;

CREATE TRIGGER _050_require_posting
    BEFORE INSERT ON fintech.transactions
    FOR EACH ROW EXECUTE FUNCTION fintech.tg__require_posting();

CREATE FUNCTION fintech.tg_transactions__check_balanced() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_currency text;
    v_sum numeric;
BEGIN
    SELECT t.currency, sum(t.amount)
    INTO v_currency, v_sum
    FROM fintech.transactions AS t
    WHERE t.posting_id = NEW.posting_id
    GROUP BY t.currency
    HAVING sum(t.amount) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'posting % does not balance: its % entries sum to %', NEW.posting_id, v_currency, v_sum
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'transactions',
                  CONSTRAINT = 'transactions_posting_balanced_check';
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION fintech.tg_transactions__check_balanced() IS 'Deferred AFTER INSERT constraint trigger: the posting''s entries must sum to zero per currency at commit.';

CREATE CONSTRAINT TRIGGER _200_check_balanced
    AFTER INSERT ON fintech.transactions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fintech.tg_transactions__check_balanced();
