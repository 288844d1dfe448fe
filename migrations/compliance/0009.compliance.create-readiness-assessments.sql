-- compliance.readiness_assessments: scored evaluations of how ready a business profile is for a
-- framework. Each evaluation is a new row (history is kept); the latest per framework is the
-- current readiness, found through (business_profile_id, framework_id, assessed_at DESC).
-- overall_score is between 0 and 100; risk_level is low, medium, high or critical.
-- depends: 0008.compliance.create-implementation-plans

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.readiness_assessments (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    business_profile_id uuid NOT NULL,
    framework_id uuid NOT NULL,
    overall_score numeric(5, 2) NOT NULL,
    risk_level text NOT NULL,
    score_breakdown jsonb NOT NULL DEFAULT '{}',
    assessed_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT readiness_assessments_pkey PRIMARY KEY (id),
    CONSTRAINT readiness_assessments_user_id_fkey FOREIGN KEY (user_id) REFERENCES compliance.users (id) ON DELETE CASCADE,
    CONSTRAINT readiness_assessments_business_profile_id_fkey FOREIGN KEY (business_profile_id, user_id)
        REFERENCES compliance.business_profiles (id, user_id) ON DELETE CASCADE,
    CONSTRAINT readiness_assessments_framework_id_fkey FOREIGN KEY (framework_id)
        REFERENCES compliance.compliance_frameworks (id) ON DELETE RESTRICT,
    CONSTRAINT readiness_assessments_overall_score_check CHECK (overall_score BETWEEN 0 AND 100),
    CONSTRAINT readiness_assessments_risk_level_check CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    CONSTRAINT readiness_assessments_score_breakdown_check CHECK (jsonb_typeof(score_breakdown) = 'object')
);

COMMENT ON TABLE compliance.readiness_assessments IS 'Readiness evaluations of a business profile per framework; the newest is current.';

COMMENT ON COLUMN compliance.readiness_assessments.overall_score IS 'Readiness, 0 to 100.';

COMMENT ON COLUMN compliance.readiness_assessments.risk_level IS 'low, medium, high or critical.';

COMMENT ON COLUMN compliance.readiness_assessments.score_breakdown IS 'Scores by control domain (a jsonb object).';

COMMENT ON CONSTRAINT readiness_assessments_user_id_fkey ON compliance.readiness_assessments IS 'a readiness assessment must belong to an existing user';

COMMENT ON CONSTRAINT readiness_assessments_business_profile_id_fkey ON compliance.readiness_assessments IS 'business_profile_id must be a business profile of the same user';

COMMENT ON CONSTRAINT readiness_assessments_framework_id_fkey ON compliance.readiness_assessments IS 'framework_id must be an existing compliance framework (a framework in use cannot be deleted)';

COMMENT ON CONSTRAINT readiness_assessments_overall_score_check ON compliance.readiness_assessments IS 'overall_score must be between 0 and 100';

COMMENT ON CONSTRAINT readiness_assessments_risk_level_check ON compliance.readiness_assessments IS 'risk_level must be low, medium, high or critical';

COMMENT ON CONSTRAINT readiness_assessments_score_breakdown_check ON compliance.readiness_assessments IS 'score_breakdown must be a JSON object';

CREATE INDEX readiness_assessments_user_id_idx ON compliance.readiness_assessments (user_id);

CREATE INDEX readiness_assessments_business_profile_id_idx ON compliance.readiness_assessments (business_profile_id, user_id);

CREATE INDEX readiness_assessments_latest_idx ON compliance.readiness_assessments (business_profile_id, framework_id, assessed_at DESC, id DESC);

CREATE INDEX readiness_assessments_framework_id_idx ON compliance.readiness_assessments (framework_id);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.readiness_assessments
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
