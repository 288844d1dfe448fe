-- fintech.investments: holdings per investment account and symbol (unique). A composite foreign
-- key to accounts (id, account_type) with account_type fixed to 'investment' makes the database
-- refuse a holding in a checking account. quantity and average_cost are numeric; market_value and
-- cost_basis are generated columns.
-- depends: 0006.fintech.create-cards

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE fintech.investments (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    account_id uuid NOT NULL,
    account_type text NOT NULL DEFAULT 'investment',
    symbol text NOT NULL,
    asset_type text NOT NULL,
    quantity numeric(28, 8) NOT NULL,
    average_cost numeric(19, 4) NOT NULL,
    current_price numeric(19, 4) NOT NULL,
    market_value numeric(19, 4) GENERATED ALWAYS AS (round(quantity * current_price, 4)) STORED,
    cost_basis numeric(19, 4) GENERATED ALWAYS AS (round(quantity * average_cost, 4)) STORED,
    price_updated_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT investments_pkey PRIMARY KEY (id),
    CONSTRAINT investments_account_id_symbol_key UNIQUE (account_id, symbol),
    CONSTRAINT investments_account_id_fkey FOREIGN KEY (account_id, account_type)
        REFERENCES fintech.accounts (id, account_type) ON DELETE RESTRICT,
    CONSTRAINT investments_account_type_check CHECK (account_type = 'investment'),
    CONSTRAINT investments_symbol_check CHECK (symbol ~ '^[A-Z0-9][A-Z0-9.\-]{0,11}$'),
    CONSTRAINT investments_asset_type_check CHECK (asset_type IN ('stock', 'etf', 'bond', 'fund', 'crypto')),
    CONSTRAINT investments_quantity_check CHECK (quantity >= 0),
    CONSTRAINT investments_average_cost_check CHECK (average_cost >= 0),
    CONSTRAINT investments_current_price_check CHECK (current_price >= 0)
);

COMMENT ON TABLE fintech.investments IS 'Holdings: one row per investment account and symbol.';

COMMENT ON COLUMN fintech.investments.account_type IS 'Always investment: with the composite foreign key it proves the account''s type.';

COMMENT ON COLUMN fintech.investments.average_cost IS 'Average price paid per unit, in the account''s currency.';

COMMENT ON COLUMN fintech.investments.market_value IS 'Generated: quantity * current_price.';

COMMENT ON COLUMN fintech.investments.cost_basis IS 'Generated: quantity * average_cost.';

COMMENT ON CONSTRAINT investments_account_id_symbol_key ON fintech.investments IS 'one holding per account and symbol';

COMMENT ON CONSTRAINT investments_account_id_fkey ON fintech.investments IS 'holdings belong to an investment account';

COMMENT ON CONSTRAINT investments_symbol_check ON fintech.investments IS 'symbol must be 1 to 12 capital letters, digits, dots or dashes';

COMMENT ON CONSTRAINT investments_asset_type_check ON fintech.investments IS 'asset_type must be stock, etf, bond, fund or crypto';

COMMENT ON CONSTRAINT investments_quantity_check ON fintech.investments IS 'quantity cannot be negative';

COMMENT ON CONSTRAINT investments_average_cost_check ON fintech.investments IS 'average_cost cannot be negative';

COMMENT ON CONSTRAINT investments_current_price_check ON fintech.investments IS 'current_price cannot be negative';

CREATE INDEX investments_account_id_idx ON fintech.investments (account_id, account_type);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON fintech.investments
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
