-- fintech.accounts: one row per account, with its balance kept by the posting functions.
-- The floor is balance >= -credit_limit, and only credit accounts have a credit limit. A closed
-- account has closed_at and a zero balance. Money is never cascade-deleted: the owner cannot be
-- deleted while an account exists (ON DELETE RESTRICT). UNIQUE (id, user_id) and
-- UNIQUE (id, account_type) let transfers, payments and holdings prove ownership and type with
-- composite foreign keys instead of application checks; UNIQUE (id, currency) lets every ledger
-- entry prove it is in its account's currency. fintech.tg__require_posting() refuses a balance
-- change outside a ledger posting (the posting functions open one for the statements they run).
-- depends: 0001.fintech.create-users

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE fintech.accounts (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    account_number text NOT NULL,
    account_name text NOT NULL,
    account_type text NOT NULL,
    currency text NOT NULL,
    balance numeric(19, 4) NOT NULL DEFAULT 0,
    credit_limit numeric(19, 4) NOT NULL DEFAULT 0,
    status text NOT NULL DEFAULT 'active',
    closed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accounts_pkey PRIMARY KEY (id),
    CONSTRAINT accounts_account_number_key UNIQUE (account_number),
    CONSTRAINT accounts_id_user_id_key UNIQUE (id, user_id),
    CONSTRAINT accounts_id_account_type_key UNIQUE (id, account_type),
    CONSTRAINT accounts_id_currency_key UNIQUE (id, currency),
    CONSTRAINT accounts_user_id_fkey FOREIGN KEY (user_id) REFERENCES fintech.users (id) ON DELETE RESTRICT,
    CONSTRAINT accounts_account_number_check CHECK (account_number ~ '^ACC[0-9]{10}$'),
    CONSTRAINT accounts_account_name_check CHECK (length(btrim(account_name)) BETWEEN 1 AND 100),
    CONSTRAINT accounts_account_type_check CHECK (account_type IN ('checking', 'savings', 'investment', 'credit')),
    CONSTRAINT accounts_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT accounts_credit_limit_check CHECK (credit_limit >= 0 AND (account_type = 'credit' OR credit_limit = 0)),
    CONSTRAINT accounts_balance_check CHECK (balance >= -credit_limit),
    CONSTRAINT accounts_status_check CHECK (status IN ('active', 'frozen', 'closed')),
    CONSTRAINT accounts_closed_at_check CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
    CONSTRAINT accounts_closed_balance_check CHECK (status <> 'closed' OR balance = 0)
);

COMMENT ON TABLE fintech.accounts IS 'Financial accounts. balance changes only through ledger postings (fintech.transactions).';

COMMENT ON COLUMN fintech.accounts.account_number IS 'ACC followed by 10 digits; unique.';

COMMENT ON COLUMN fintech.accounts.currency IS 'ISO 4217 alphabetic code, e.g. USD.';

COMMENT ON COLUMN fintech.accounts.balance IS 'Current balance; equals the sum of the account''s ledger entries (see the reconciliation queries).';

COMMENT ON COLUMN fintech.accounts.credit_limit IS 'How far below zero the balance may go; non-zero only for credit accounts.';

COMMENT ON COLUMN fintech.accounts.closed_at IS 'Set exactly when status is closed.';

COMMENT ON CONSTRAINT accounts_account_number_check ON fintech.accounts IS 'account_number must be ACC followed by 10 digits';

COMMENT ON CONSTRAINT accounts_account_name_check ON fintech.accounts IS 'account_name must have 1 to 100 characters';

COMMENT ON CONSTRAINT accounts_account_type_check ON fintech.accounts IS 'account_type must be checking, savings, investment or credit';

COMMENT ON CONSTRAINT accounts_currency_check ON fintech.accounts IS 'currency must be an ISO 4217 code of three capital letters';

COMMENT ON CONSTRAINT accounts_credit_limit_check ON fintech.accounts IS 'credit_limit must be zero or more, and zero unless the account is a credit account';

COMMENT ON CONSTRAINT accounts_balance_check ON fintech.accounts IS 'balance cannot go below the credit limit (below zero for non-credit accounts)';

COMMENT ON CONSTRAINT accounts_status_check ON fintech.accounts IS 'status must be active, frozen or closed';

COMMENT ON CONSTRAINT accounts_closed_at_check ON fintech.accounts IS 'closed_at must be set exactly when the account is closed';

COMMENT ON CONSTRAINT accounts_closed_balance_check ON fintech.accounts IS 'an account can only be closed with a zero balance';

CREATE INDEX accounts_user_id_idx ON fintech.accounts (user_id);

CREATE FUNCTION fintech.tg__require_posting() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF coalesce(current_setting('fintech.posting', true), '') <> 'on' THEN
        RAISE EXCEPTION '% on %.% outside a ledger posting: money moves only through the posting functions', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                  CONSTRAINT = TG_TABLE_NAME || '_posting_check',
                  HINT = 'use fintech.deposit, withdraw, transfer, send_p2p or reverse_transfer';
    END IF;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION fintech.tg__require_posting() IS 'BEFORE trigger: refuses the change unless the transaction-local setting fintech.posting is on (set by the posting functions around their own writes).';

CREATE TRIGGER _050_require_posting
    BEFORE UPDATE OF balance ON fintech.accounts
    FOR EACH ROW
    WHEN (OLD.balance IS DISTINCT FROM NEW.balance)
    EXECUTE FUNCTION fintech.tg__require_posting();

CREATE TRIGGER _050_require_posting_on_insert
    BEFORE INSERT ON fintech.accounts
    FOR EACH ROW
    WHEN (NEW.balance <> 0)
    EXECUTE FUNCTION fintech.tg__require_posting();

CREATE INDEX accounts_status_idx ON fintech.accounts (status) WHERE status <> 'active';

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON fintech.accounts
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON fintech.accounts
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit();
