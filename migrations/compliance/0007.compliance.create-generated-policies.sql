-- compliance.generated_policies: AI-generated policy documents, versioned.
-- Fixes the seed: business_profile_id (not business_profil) is a real foreign key with the owner,
-- and framework_id references compliance_frameworks. A policy is identified by its business
-- profile and policy_name; each revision is a new row with the next version number
-- (UNIQUE (business_profile_id, policy_name, version)), so earlier versions stay readable.
-- status is draft, under_review, approved or archived; an approved version has approved_at and
-- approved_by, and only an approved version has them. A generated tsvector (name weight A,
-- content B) with a GIN index serves full-text search.
-- depends: 0006.compliance.create-chat-conversations

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.generated_policies (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    business_profile_id uuid NOT NULL,
    framework_id uuid NOT NULL,
    policy_name text NOT NULL,
    policy_type text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    status text NOT NULL DEFAULT 'draft',
    content text NOT NULL,
    approved_at timestamptz,
    approved_by uuid,
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, policy_name), 'A')
        || setweight(to_tsvector('english'::regconfig, content), 'B')
    ) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT generated_policies_pkey PRIMARY KEY (id),
    CONSTRAINT generated_policies_business_profile_id_policy_name_version_key UNIQUE (business_profile_id, policy_name, version),
    CONSTRAINT generated_policies_user_id_fkey FOREIGN KEY (user_id) REFERENCES compliance.users (id) ON DELETE CASCADE,
    CONSTRAINT generated_policies_business_profile_id_fkey FOREIGN KEY (business_profile_id, user_id)
        REFERENCES compliance.business_profiles (id, user_id) ON DELETE CASCADE,
    CONSTRAINT generated_policies_framework_id_fkey FOREIGN KEY (framework_id)
        REFERENCES compliance.compliance_frameworks (id) ON DELETE RESTRICT,
    CONSTRAINT generated_policies_approved_by_fkey FOREIGN KEY (approved_by)
        REFERENCES compliance.users (id) ON DELETE RESTRICT,
    CONSTRAINT generated_policies_policy_name_check CHECK (length(btrim(policy_name)) BETWEEN 1 AND 255),
    CONSTRAINT generated_policies_policy_type_check CHECK (policy_type ~ '^[a-z][a-z0-9_]{1,49}$'),
    CONSTRAINT generated_policies_version_check CHECK (version >= 1),
    CONSTRAINT generated_policies_status_check CHECK (status IN ('draft', 'under_review', 'approved', 'archived')),
    CONSTRAINT generated_policies_content_check CHECK (length(btrim(content)) >= 1),
    CONSTRAINT generated_policies_approval_check CHECK (
        (status = 'approved' AND approved_at IS NOT NULL AND approved_by IS NOT NULL)
        OR (status <> 'approved' AND approved_at IS NULL AND approved_by IS NULL)
    )
);

COMMENT ON TABLE compliance.generated_policies IS 'AI-generated policy documents; one row per version of a named policy of a business profile.';

COMMENT ON COLUMN compliance.generated_policies.policy_type IS 'A snake_case kind, e.g. data_protection, access_control, incident_response.';

COMMENT ON COLUMN compliance.generated_policies.version IS '1 for the first version of policy_name in the business profile, then 2, 3, ...';

COMMENT ON COLUMN compliance.generated_policies.status IS 'draft, under_review, approved or archived.';

COMMENT ON COLUMN compliance.generated_policies.approved_at IS 'Set exactly when status is approved.';

COMMENT ON COLUMN compliance.generated_policies.approved_by IS 'The approving user; set exactly when status is approved.';

COMMENT ON COLUMN compliance.generated_policies.search_vector IS 'Generated: English full-text vector of policy_name (weight A) and content (B).';

COMMENT ON CONSTRAINT generated_policies_business_profile_id_policy_name_version_key ON compliance.generated_policies IS 'this version of the policy already exists';

COMMENT ON CONSTRAINT generated_policies_user_id_fkey ON compliance.generated_policies IS 'a policy must belong to an existing user';

COMMENT ON CONSTRAINT generated_policies_business_profile_id_fkey ON compliance.generated_policies IS 'business_profile_id must be a business profile of the same user';

COMMENT ON CONSTRAINT generated_policies_framework_id_fkey ON compliance.generated_policies IS 'framework_id must be an existing compliance framework (a framework in use cannot be deleted)';

COMMENT ON CONSTRAINT generated_policies_approved_by_fkey ON compliance.generated_policies IS 'approved_by must be an existing user (an approver cannot be deleted while their approvals stand)';

COMMENT ON CONSTRAINT generated_policies_policy_name_check ON compliance.generated_policies IS 'policy_name must have 1 to 255 characters';

COMMENT ON CONSTRAINT generated_policies_policy_type_check ON compliance.generated_policies IS 'policy_type must be 2 to 50 lowercase letters, digits or underscores, starting with a letter';

COMMENT ON CONSTRAINT generated_policies_version_check ON compliance.generated_policies IS 'version must be 1 or more';

COMMENT ON CONSTRAINT generated_policies_status_check ON compliance.generated_policies IS 'status must be draft, under_review, approved or archived';

COMMENT ON CONSTRAINT generated_policies_content_check ON compliance.generated_policies IS 'content cannot be empty';

COMMENT ON CONSTRAINT generated_policies_approval_check ON compliance.generated_policies IS 'an approved policy must have approved_at and approved_by, and only an approved policy has them';

CREATE INDEX generated_policies_user_id_idx ON compliance.generated_policies (user_id);

CREATE INDEX generated_policies_business_profile_id_idx ON compliance.generated_policies (business_profile_id, user_id);

CREATE INDEX generated_policies_framework_id_idx ON compliance.generated_policies (framework_id);

CREATE INDEX generated_policies_approved_by_idx ON compliance.generated_policies (approved_by) WHERE approved_by IS NOT NULL;

CREATE INDEX generated_policies_search_vector_idx ON compliance.generated_policies USING gin (search_vector);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.generated_policies
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON compliance.generated_policies
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('search_vector', 'content');
