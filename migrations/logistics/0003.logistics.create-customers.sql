-- logistics.customers: the businesses that send orders. customer_code is the business key the
-- seed called customer_id (e.g. CUST-001); the row's id is the uuid other tables reference.
-- constraints (e.g. {"max_wait_hours": 24}) and preferences are jsonb objects: the routing engine
-- reads them, the database only insists they are objects.
-- depends: 0002.logistics.create-geo-functions

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE logistics.customers (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    customer_code text NOT NULL,
    customer_name text NOT NULL,
    email text,
    phone text,
    address text,
    constraints jsonb NOT NULL DEFAULT '{}',
    preferences jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_pkey PRIMARY KEY (id),
    CONSTRAINT customers_customer_code_key UNIQUE (customer_code),
    CONSTRAINT customers_customer_code_check CHECK (customer_code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    CONSTRAINT customers_customer_name_check CHECK (length(btrim(customer_name)) BETWEEN 1 AND 200),
    CONSTRAINT customers_email_check CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    CONSTRAINT customers_phone_check CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT customers_constraints_check CHECK (jsonb_typeof(constraints) = 'object'),
    CONSTRAINT customers_preferences_check CHECK (jsonb_typeof(preferences) = 'object')
);

COMMENT ON TABLE logistics.customers IS 'Businesses that send delivery orders.';

COMMENT ON COLUMN logistics.customers.customer_code IS 'Business key (the seed''s customer_id), e.g. CUST-001; unique.';

COMMENT ON COLUMN logistics.customers.phone IS 'E.164: +, country code, subscriber number (7 to 15 digits).';

COMMENT ON COLUMN logistics.customers.constraints IS 'Service constraints as a jsonb object, e.g. {"max_wait_hours": 24}.';

COMMENT ON COLUMN logistics.customers.preferences IS 'Preferences as a jsonb object, e.g. {"preferred_vehicle_type": "5T"}.';

COMMENT ON CONSTRAINT customers_customer_code_key ON logistics.customers IS 'customer_code is already taken';

COMMENT ON CONSTRAINT customers_customer_code_check ON logistics.customers IS 'customer_code must have 1 to 64 letters, digits, dots, dashes or underscores';

COMMENT ON CONSTRAINT customers_customer_name_check ON logistics.customers IS 'customer_name must have 1 to 200 characters';

COMMENT ON CONSTRAINT customers_email_check ON logistics.customers IS 'email must look like name@domain.tld (at most 254 characters)';

COMMENT ON CONSTRAINT customers_phone_check ON logistics.customers IS 'phone must be in E.164 format, e.g. +254712345678';

COMMENT ON CONSTRAINT customers_constraints_check ON logistics.customers IS 'constraints must be a JSON object';

COMMENT ON CONSTRAINT customers_preferences_check ON logistics.customers IS 'preferences must be a JSON object';

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON logistics.customers
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
