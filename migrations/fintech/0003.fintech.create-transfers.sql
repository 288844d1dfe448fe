-- fintech.transfers: money moved between two accounts of the same user.
-- Ownership is proven by composite foreign keys to accounts (id, user_id). Amount > 0; a transfer
-- between currencies needs an explicit fx_rate, and credited_amount is what the destination
-- receives. Status machine pending -> completed | failed, completed -> reversed, enforced by
-- fintech.tg__check_status_transition() (also used by p2p_transactions): an illegal transition
-- raises check_violation naming <table>_status_transition_check, the money columns of a row
-- never change once written, and only the posting functions may make a row completed or reversed
-- (<table>_posting_check). idempotency_key is unique per sender, so a retried request finds the
-- first one.
-- depends: 0002.fintech.create-accounts

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION fintech.tg__check_status_transition() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.status = 'reversed' THEN
        RAISE EXCEPTION 'a new %.% row cannot start as %', TG_TABLE_SCHEMA, TG_TABLE_NAME, NEW.status
            USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                  COLUMN = 'status', CONSTRAINT = TG_TABLE_NAME || '_status_transition_check';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Unknown values are left to the <table>_status_check constraint.
        IF NEW.status IS DISTINCT FROM OLD.status
            AND NEW.status IN ('pending', 'completed', 'failed', 'reversed')
            AND NOT ((OLD.status = 'pending' AND NEW.status IN ('completed', 'failed'))
                     OR (OLD.status = 'completed' AND NEW.status = 'reversed')) THEN
            RAISE EXCEPTION 'illegal status transition % -> % on %.%', OLD.status, NEW.status, TG_TABLE_SCHEMA, TG_TABLE_NAME
                USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                      COLUMN = 'status', CONSTRAINT = TG_TABLE_NAME || '_status_transition_check',
                      HINT = 'allowed: pending -> completed, pending -> failed, completed -> reversed';
        END IF;
        IF (to_jsonb(NEW) - ARRAY['status', 'failure_reason', 'completed_at', 'reversed_at', 'updated_at'])
            IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'failure_reason', 'completed_at', 'reversed_at', 'updated_at'])
            OR (NEW.status = OLD.status AND (NEW.completed_at, NEW.reversed_at) IS DISTINCT FROM (OLD.completed_at, OLD.reversed_at)) THEN
            RAISE EXCEPTION 'the parties, amounts and key of a %.% row cannot change', TG_TABLE_SCHEMA, TG_TABLE_NAME
                USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                      CONSTRAINT = TG_TABLE_NAME || '_immutable_check';
        END IF;
    END IF;
    -- Completing or reversing moves money: only the posting functions may do it.
    IF NEW.status IN ('completed', 'reversed')
        AND (TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status)
        AND coalesce(current_setting('fintech.posting', true), '') <> 'on' THEN
        RAISE EXCEPTION 'a %.% row can become % only through its posting function', TG_TABLE_SCHEMA, TG_TABLE_NAME, NEW.status
            USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                  COLUMN = 'status', CONSTRAINT = TG_TABLE_NAME || '_posting_check';
    END IF;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION fintech.tg__check_status_transition() IS 'BEFORE INSERT OR UPDATE: status machine pending -> completed | failed, completed -> reversed; only status columns may change; completed and reversed only inside a posting.';

CREATE TABLE fintech.transfers (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
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
    description text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    reversed_at timestamptz,
    CONSTRAINT transfers_pkey PRIMARY KEY (id),
    CONSTRAINT transfers_user_id_idempotency_key_key UNIQUE (user_id, idempotency_key),
    CONSTRAINT transfers_user_id_fkey FOREIGN KEY (user_id) REFERENCES fintech.users (id) ON DELETE RESTRICT,
    CONSTRAINT transfers_from_account_id_fkey FOREIGN KEY (from_account_id, user_id)
        REFERENCES fintech.accounts (id, user_id) ON DELETE RESTRICT,
    CONSTRAINT transfers_to_account_id_fkey FOREIGN KEY (to_account_id, user_id)
        REFERENCES fintech.accounts (id, user_id) ON DELETE RESTRICT,
    CONSTRAINT transfers_amount_check CHECK (amount > 0),
    CONSTRAINT transfers_accounts_check CHECK (from_account_id <> to_account_id),
    CONSTRAINT transfers_currency_check CHECK (currency ~ '^[A-Z]{3}$' AND credited_currency ~ '^[A-Z]{3}$'),
    CONSTRAINT transfers_fx_rate_check CHECK (
        (fx_rate IS NULL AND credited_currency = currency AND credited_amount = amount)
        OR (fx_rate > 0 AND credited_currency <> currency AND credited_amount = round(amount * fx_rate, 4) AND credited_amount > 0)
    ),
    CONSTRAINT transfers_status_check CHECK (status IN ('pending', 'completed', 'failed', 'reversed')),
    CONSTRAINT transfers_failure_reason_check CHECK ((status = 'failed') = (failure_reason IS NOT NULL)),
    CONSTRAINT transfers_completed_at_check CHECK ((status IN ('completed', 'reversed')) = (completed_at IS NOT NULL)),
    CONSTRAINT transfers_reversed_at_check CHECK ((status = 'reversed') = (reversed_at IS NOT NULL)),
    CONSTRAINT transfers_idempotency_key_check CHECK (length(idempotency_key) BETWEEN 1 AND 200)
);

COMMENT ON TABLE fintech.transfers IS 'Transfers between two accounts of the same user; written by fintech.transfer().';

COMMENT ON COLUMN fintech.transfers.amount IS 'Debited from from_account_id, in currency.';

COMMENT ON COLUMN fintech.transfers.fx_rate IS 'Units of credited_currency per unit of currency; null when both accounts share a currency.';

COMMENT ON COLUMN fintech.transfers.credited_amount IS 'Credited to to_account_id, in credited_currency: amount, or round(amount * fx_rate, 4).';

COMMENT ON COLUMN fintech.transfers.idempotency_key IS 'Chosen by the client; a retry with the same key returns the first transfer and moves no money.';

COMMENT ON CONSTRAINT transfers_amount_check ON fintech.transfers IS 'amount must be greater than zero';

COMMENT ON CONSTRAINT transfers_accounts_check ON fintech.transfers IS 'a transfer needs two different accounts';

COMMENT ON CONSTRAINT transfers_fx_rate_check ON fintech.transfers IS 'a transfer between currencies needs an fx_rate > 0 (and credited_amount = amount * fx_rate); within one currency, no fx_rate';

COMMENT ON CONSTRAINT transfers_status_check ON fintech.transfers IS 'status must be pending, completed, failed or reversed';

COMMENT ON CONSTRAINT transfers_failure_reason_check ON fintech.transfers IS 'a failed transfer (and only a failed one) has a failure_reason';

COMMENT ON CONSTRAINT transfers_user_id_idempotency_key_key ON fintech.transfers IS 'idempotency_key is unique per user';

COMMENT ON CONSTRAINT transfers_from_account_id_fkey ON fintech.transfers IS 'from_account_id must be an account of the transferring user';

COMMENT ON CONSTRAINT transfers_to_account_id_fkey ON fintech.transfers IS 'to_account_id must be an account of the transferring user';

CREATE INDEX transfers_from_account_id_idx ON fintech.transfers (from_account_id, user_id);

CREATE INDEX transfers_to_account_id_idx ON fintech.transfers (to_account_id, user_id);

CREATE INDEX transfers_user_id_created_at_idx ON fintech.transfers (user_id, created_at DESC, id);

CREATE TRIGGER _050_check_status_transition
    BEFORE INSERT OR UPDATE ON fintech.transfers
    FOR EACH ROW EXECUTE FUNCTION fintech.tg__check_status_transition();

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON fintech.transfers
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON fintech.transfers
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit();
