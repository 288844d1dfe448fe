-- fintech.p2p_transactions: payments from one user's account to another user's account.
-- Composite foreign keys prove that from_account_id belongs to sender_id and to_account_id to
-- recipient_id; sender and recipient differ. Same amount, FX, status-machine and idempotency
-- rules as transfers (fintech.tg__check_status_transition()).
-- depends: 0003.fintech.create-transfers

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE fintech.p2p_transactions (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    sender_id uuid NOT NULL,
    recipient_id uuid NOT NULL,
    from_account_id uuid NOT NULL,
    to_account_id uuid NOT NULL,
    amount numeric(19, 4) NOT NULL,
    currency text NOT NULL,
    fx_rate numeric(19, 8),
    credited_amount numeric(19, 4) NOT NULL,
    credited_currency text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    failure_reason text,
    idempotency_key text NOT NULL,
    note text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    reversed_at timestamptz,
    CONSTRAINT p2p_transactions_pkey PRIMARY KEY (id),
    CONSTRAINT p2p_transactions_sender_id_idempotency_key_key UNIQUE (sender_id, idempotency_key),
    CONSTRAINT p2p_transactions_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES fintech.users (id) ON DELETE RESTRICT,
    CONSTRAINT p2p_transactions_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES fintech.users (id) ON DELETE RESTRICT,
    CONSTRAINT p2p_transactions_from_account_id_fkey FOREIGN KEY (from_account_id, sender_id)
        REFERENCES fintech.accounts (id, user_id) ON DELETE RESTRICT,
    CONSTRAINT p2p_transactions_to_account_id_fkey FOREIGN KEY (to_account_id, recipient_id)
        REFERENCES fintech.accounts (id, user_id) ON DELETE RESTRICT,
    CONSTRAINT p2p_transactions_parties_check CHECK (sender_id <> recipient_id),
    CONSTRAINT p2p_transactions_amount_check CHECK (amount > 0),
    CONSTRAINT p2p_transactions_currency_check CHECK (currency ~ '^[A-Z]{3}$' AND credited_currency ~ '^[A-Z]{3}$'),
    CONSTRAINT p2p_transactions_fx_rate_check CHECK (
        (fx_rate IS NULL AND credited_currency = currency AND credited_amount = amount)
        OR (fx_rate > 0 AND credited_currency <> currency AND credited_amount = round(amount * fx_rate, 4) AND credited_amount > 0)
    ),
    CONSTRAINT p2p_transactions_status_check CHECK (status IN ('pending', 'completed', 'failed', 'reversed')),
    CONSTRAINT p2p_transactions_failure_reason_check CHECK ((status = 'failed') = (failure_reason IS NOT NULL)),
    CONSTRAINT p2p_transactions_completed_at_check CHECK ((status IN ('completed', 'reversed')) = (completed_at IS NOT NULL)),
    CONSTRAINT p2p_transactions_reversed_at_check CHECK ((status = 'reversed') = (reversed_at IS NOT NULL)),
    CONSTRAINT p2p_transactions_idempotency_key_check CHECK (length(idempotency_key) BETWEEN 1 AND 200)
);

COMMENT ON TABLE fintech.p2p_transactions IS 'Payments between two users; written by fintech.send_p2p().';

COMMENT ON COLUMN fintech.p2p_transactions.fx_rate IS 'Units of credited_currency per unit of currency; null when both accounts share a currency.';

COMMENT ON COLUMN fintech.p2p_transactions.credited_amount IS 'Credited to to_account_id, in credited_currency.';

COMMENT ON COLUMN fintech.p2p_transactions.idempotency_key IS 'Chosen by the client; a retry with the same key returns the first payment and moves no money.';

COMMENT ON CONSTRAINT p2p_transactions_parties_check ON fintech.p2p_transactions IS 'a payment needs two different users';

COMMENT ON CONSTRAINT p2p_transactions_amount_check ON fintech.p2p_transactions IS 'amount must be greater than zero';

COMMENT ON CONSTRAINT p2p_transactions_fx_rate_check ON fintech.p2p_transactions IS 'a payment between currencies needs an fx_rate > 0 (and credited_amount = amount * fx_rate); within one currency, no fx_rate';

COMMENT ON CONSTRAINT p2p_transactions_status_check ON fintech.p2p_transactions IS 'status must be pending, completed, failed or reversed';

COMMENT ON CONSTRAINT p2p_transactions_from_account_id_fkey ON fintech.p2p_transactions IS 'from_account_id must be an account of the sender';

COMMENT ON CONSTRAINT p2p_transactions_to_account_id_fkey ON fintech.p2p_transactions IS 'to_account_id must be an account of the recipient';

CREATE INDEX p2p_transactions_sender_id_created_at_idx ON fintech.p2p_transactions (sender_id, created_at DESC, id);

CREATE INDEX p2p_transactions_recipient_id_created_at_idx ON fintech.p2p_transactions (recipient_id, created_at DESC, id);

CREATE INDEX p2p_transactions_from_account_id_idx ON fintech.p2p_transactions (from_account_id, sender_id);

CREATE INDEX p2p_transactions_to_account_id_idx ON fintech.p2p_transactions (to_account_id, recipient_id);

CREATE TRIGGER _050_check_status_transition
    BEFORE INSERT OR UPDATE ON fintech.p2p_transactions
    FOR EACH ROW EXECUTE FUNCTION fintech.tg__check_status_transition();

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON fintech.p2p_transactions
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON fintech.p2p_transactions
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit();
