-- compliance.compliance_frameworks: the regulatory frameworks (GDPR, ISO 27001, SOC 2, ...).
-- The seed stored a framework as a free string (framework_id VARCHAR(50)) in every table; here a
-- framework is a row, and assessments, evidence, policies, plans and readiness assessments
-- reference it by a real foreign key. code is the stable, human key (e.g. iso27001). Frameworks
-- are reference data shared by all users, so they carry no user_id; a framework in use cannot be
-- deleted (ON DELETE RESTRICT on the referencing side): deactivate it instead.
-- depends: 0001.compliance.create-users

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.compliance_frameworks (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    code text NOT NULL,
    name text NOT NULL,
    version text,
    category text,
    description text,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT compliance_frameworks_pkey PRIMARY KEY (id),
    CONSTRAINT compliance_frameworks_code_key UNIQUE (code),
    CONSTRAINT compliance_frameworks_code_check CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,49}$'),
    CONSTRAINT compliance_frameworks_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 255),
    CONSTRAINT compliance_frameworks_version_check CHECK (length(btrim(version)) BETWEEN 1 AND 50),
    CONSTRAINT compliance_frameworks_category_check CHECK (length(btrim(category)) BETWEEN 1 AND 100)
);

COMMENT ON TABLE compliance.compliance_frameworks IS 'Regulatory frameworks; reference data shared by all users.';

COMMENT ON COLUMN compliance.compliance_frameworks.code IS 'Stable key: 2 to 50 lowercase letters, digits, dashes or underscores, e.g. iso27001.';

COMMENT ON COLUMN compliance.compliance_frameworks.version IS 'The framework''s edition, e.g. 2022.';

COMMENT ON COLUMN compliance.compliance_frameworks.is_active IS 'Offered for new assessments; a framework in use is deactivated, never deleted.';

COMMENT ON CONSTRAINT compliance_frameworks_code_key ON compliance.compliance_frameworks IS 'a framework with this code already exists';

COMMENT ON CONSTRAINT compliance_frameworks_code_check ON compliance.compliance_frameworks IS 'code must be 2 to 50 lowercase letters, digits, dashes or underscores';

COMMENT ON CONSTRAINT compliance_frameworks_name_check ON compliance.compliance_frameworks IS 'name must have 1 to 255 characters';

COMMENT ON CONSTRAINT compliance_frameworks_version_check ON compliance.compliance_frameworks IS 'version must have 1 to 50 characters';

COMMENT ON CONSTRAINT compliance_frameworks_category_check ON compliance.compliance_frameworks IS 'category must have 1 to 100 characters';

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.compliance_frameworks
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
