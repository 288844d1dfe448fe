-- fintech.cards: payment cards. Only the last four digits are stored; no column can hold a full
-- card number (last4 is four digits, and the free-text columns refuse runs of 12 or more digits).
-- The processor token is stored encrypted with pgcrypto (pgp_sym_encrypt); the key is passed in
-- by the application at run time from its settings, never written in SQL files or logs. The audit
-- trigger leaves the encrypted token out of the audit log.
-- depends: 0005.fintech.create-transactions

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE fintech.cards (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    account_id uuid NOT NULL,
    brand text NOT NULL,
    card_type text NOT NULL,
    last4 text NOT NULL,
    cardholder_name text NOT NULL,
    token_encrypted bytea NOT NULL,
    expiry_month integer NOT NULL,
    expiry_year integer NOT NULL,
    status text NOT NULL DEFAULT 'active',
    spending_limit numeric(19, 4),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cards_pkey PRIMARY KEY (id),
    CONSTRAINT cards_user_id_fkey FOREIGN KEY (user_id) REFERENCES fintech.users (id) ON DELETE RESTRICT,
    CONSTRAINT cards_account_id_fkey FOREIGN KEY (account_id, user_id) REFERENCES fintech.accounts (id, user_id) ON DELETE RESTRICT,
    CONSTRAINT cards_brand_check CHECK (brand IN ('visa', 'mastercard', 'amex', 'discover', 'unionpay', 'jcb')),
    CONSTRAINT cards_card_type_check CHECK (card_type IN ('debit', 'credit', 'prepaid')),
    CONSTRAINT cards_last4_check CHECK (last4 ~ '^[0-9]{4}$'),
    CONSTRAINT cards_cardholder_name_check CHECK (length(btrim(cardholder_name)) BETWEEN 1 AND 100 AND cardholder_name !~ '[0-9]{12,}'),
    CONSTRAINT cards_token_encrypted_check CHECK (octet_length(token_encrypted) > 0),
    CONSTRAINT cards_expiry_month_check CHECK (expiry_month BETWEEN 1 AND 12),
    CONSTRAINT cards_expiry_year_check CHECK (expiry_year BETWEEN 2000 AND 2100),
    CONSTRAINT cards_status_check CHECK (status IN ('active', 'frozen', 'cancelled', 'expired')),
    CONSTRAINT cards_spending_limit_check CHECK (spending_limit >= 0)
);

COMMENT ON TABLE fintech.cards IS 'Payment cards: masked (last4 only), token encrypted at rest.';

COMMENT ON COLUMN fintech.cards.last4 IS 'The last four digits of the card number: all that is stored of it.';

COMMENT ON COLUMN fintech.cards.token_encrypted IS 'Sensitive: the card processor''s token, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY).';

COMMENT ON COLUMN fintech.cards.spending_limit IS 'Per-card spending limit in the account''s currency; null means none.';

COMMENT ON CONSTRAINT cards_brand_check ON fintech.cards IS 'brand must be visa, mastercard, amex, discover, unionpay or jcb';

COMMENT ON CONSTRAINT cards_card_type_check ON fintech.cards IS 'card_type must be debit, credit or prepaid';

COMMENT ON CONSTRAINT cards_last4_check ON fintech.cards IS 'last4 must be exactly four digits (a full card number is never stored)';

COMMENT ON CONSTRAINT cards_cardholder_name_check ON fintech.cards IS 'cardholder_name must have 1 to 100 characters and cannot contain a card number';

COMMENT ON CONSTRAINT cards_expiry_month_check ON fintech.cards IS 'expiry_month must be between 1 and 12';

COMMENT ON CONSTRAINT cards_expiry_year_check ON fintech.cards IS 'expiry_year must be between 2000 and 2100';

COMMENT ON CONSTRAINT cards_status_check ON fintech.cards IS 'status must be active, frozen, cancelled or expired';

COMMENT ON CONSTRAINT cards_spending_limit_check ON fintech.cards IS 'spending_limit cannot be negative';

COMMENT ON CONSTRAINT cards_account_id_fkey ON fintech.cards IS 'a card must draw on an account of its holder';

CREATE INDEX cards_user_id_idx ON fintech.cards (user_id);

CREATE INDEX cards_account_id_idx ON fintech.cards (account_id, user_id);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON fintech.cards
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON fintech.cards
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('token_encrypted');
