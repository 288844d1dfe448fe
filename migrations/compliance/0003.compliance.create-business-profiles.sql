-- compliance.business_profiles: a user's company and its compliance context.
-- Fixes the seed's truncated columns: the six flags are created with their full names
-- (handles_personal_data, processes_payments, stores_health_data, provides_financial_services,
-- operates_critical_infrastructure, has_international_operations), and adds the constraints the
-- seed lists as missing: employee_count > 0 and data_sensitivity in Low, Medium, High, Critical.
-- UNIQUE (id, user_id) lets the tables below reference a profile together with its owner, so a
-- row can never point at another user's profile.
-- depends: 0002.compliance.create-compliance-frameworks

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.business_profiles (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    company_name text NOT NULL,
    industry text,
    employee_count integer,
    handles_personal_data boolean NOT NULL DEFAULT false,
    processes_payments boolean NOT NULL DEFAULT false,
    stores_health_data boolean NOT NULL DEFAULT false,
    provides_financial_services boolean NOT NULL DEFAULT false,
    operates_critical_infrastructure boolean NOT NULL DEFAULT false,
    has_international_operations boolean NOT NULL DEFAULT false,
    data_sensitivity text NOT NULL DEFAULT 'Medium',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT business_profiles_pkey PRIMARY KEY (id),
    CONSTRAINT business_profiles_id_user_id_key UNIQUE (id, user_id),
    CONSTRAINT business_profiles_user_id_fkey FOREIGN KEY (user_id) REFERENCES compliance.users (id) ON DELETE CASCADE,
    CONSTRAINT business_profiles_company_name_check CHECK (length(btrim(company_name)) BETWEEN 1 AND 255),
    CONSTRAINT business_profiles_industry_check CHECK (length(btrim(industry)) BETWEEN 1 AND 100),
    CONSTRAINT business_profiles_employee_count_check CHECK (employee_count > 0),
    CONSTRAINT business_profiles_data_sensitivity_check CHECK (data_sensitivity IN ('Low', 'Medium', 'High', 'Critical'))
);

COMMENT ON TABLE compliance.business_profiles IS 'A user''s company and the facts that decide which frameworks and controls apply.';

COMMENT ON COLUMN compliance.business_profiles.employee_count IS 'Head count; unknown (null) or greater than zero.';

COMMENT ON COLUMN compliance.business_profiles.handles_personal_data IS 'Processes personal data (GDPR and similar apply).';

COMMENT ON COLUMN compliance.business_profiles.processes_payments IS 'Takes card payments (PCI DSS applies).';

COMMENT ON COLUMN compliance.business_profiles.stores_health_data IS 'Stores health records (HIPAA and similar apply).';

COMMENT ON COLUMN compliance.business_profiles.provides_financial_services IS 'A regulated financial services provider.';

COMMENT ON COLUMN compliance.business_profiles.operates_critical_infrastructure IS 'Operates critical infrastructure (NIS2 and similar apply).';

COMMENT ON COLUMN compliance.business_profiles.has_international_operations IS 'Operates in more than one country (cross-border transfer rules apply).';

COMMENT ON COLUMN compliance.business_profiles.data_sensitivity IS 'Low, Medium, High or Critical.';

COMMENT ON CONSTRAINT business_profiles_id_user_id_key ON compliance.business_profiles IS 'a business profile belongs to exactly one user';

COMMENT ON CONSTRAINT business_profiles_user_id_fkey ON compliance.business_profiles IS 'a business profile must belong to an existing user';

COMMENT ON CONSTRAINT business_profiles_company_name_check ON compliance.business_profiles IS 'company_name must have 1 to 255 characters';

COMMENT ON CONSTRAINT business_profiles_industry_check ON compliance.business_profiles IS 'industry must have 1 to 100 characters';

COMMENT ON CONSTRAINT business_profiles_employee_count_check ON compliance.business_profiles IS 'employee_count must be greater than zero';

COMMENT ON CONSTRAINT business_profiles_data_sensitivity_check ON compliance.business_profiles IS 'data_sensitivity must be Low, Medium, High or Critical';

CREATE INDEX business_profiles_user_id_idx ON compliance.business_profiles (user_id);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.business_profiles
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON compliance.business_profiles
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit();
