-- compliance.evidence_items: documents and records that prove a control is in place.
-- Adds what the seed lists as missing: status in not_started, in_progress, collected, approved,
-- rejected; priority in low, medium, high, critical; the approval workflow (an approved item has
-- approved_at and approved_by, and only an approved item has them); real foreign keys for the
-- business profile (with its owner) and the framework.
-- Indexes: the seed's (user_id, framework_id) (covering status, so the compliance overview is an
-- index-only scan) and (user_id, status); trigram GIN on evidence_name for substring search; GIN
-- on ai_metadata; a generated tsvector (name, control reference, description) with a GIN index
-- for full-text search; (user_id, created_at DESC, id DESC) for newest-first keyset pages.
-- depends: 0004.compliance.create-assessment-sessions

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.evidence_items (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    business_profile_id uuid NOT NULL,
    framework_id uuid NOT NULL,
    evidence_name text NOT NULL,
    description text,
    control_reference text,
    file_path text,
    file_type text,
    file_size bigint,
    status text NOT NULL DEFAULT 'not_started',
    priority text NOT NULL DEFAULT 'medium',
    approved_at timestamptz,
    approved_by uuid,
    ai_metadata jsonb NOT NULL DEFAULT '{}',
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, evidence_name), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(control_reference, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
    ) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT evidence_items_pkey PRIMARY KEY (id),
    CONSTRAINT evidence_items_user_id_fkey FOREIGN KEY (user_id) REFERENCES compliance.users (id) ON DELETE CASCADE,
    CONSTRAINT evidence_items_business_profile_id_fkey FOREIGN KEY (business_profile_id, user_id)
        REFERENCES compliance.business_profiles (id, user_id) ON DELETE CASCADE,
    CONSTRAINT evidence_items_framework_id_fkey FOREIGN KEY (framework_id)
        REFERENCES compliance.compliance_frameworks (id) ON DELETE RESTRICT,
    CONSTRAINT evidence_items_approved_by_fkey FOREIGN KEY (approved_by)
        REFERENCES compliance.users (id) ON DELETE RESTRICT,
    CONSTRAINT evidence_items_evidence_name_check CHECK (length(btrim(evidence_name)) BETWEEN 1 AND 255),
    CONSTRAINT evidence_items_control_reference_check CHECK (length(btrim(control_reference)) BETWEEN 1 AND 100),
    CONSTRAINT evidence_items_file_path_check CHECK (length(file_path) BETWEEN 1 AND 500),
    CONSTRAINT evidence_items_file_type_check CHECK (length(file_type) BETWEEN 1 AND 50),
    CONSTRAINT evidence_items_file_size_check CHECK (file_size >= 0),
    CONSTRAINT evidence_items_status_check CHECK (status IN ('not_started', 'in_progress', 'collected', 'approved', 'rejected')),
    CONSTRAINT evidence_items_priority_check CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    CONSTRAINT evidence_items_approval_check CHECK (
        (status = 'approved' AND approved_at IS NOT NULL AND approved_by IS NOT NULL)
        OR (status <> 'approved' AND approved_at IS NULL AND approved_by IS NULL)
    ),
    CONSTRAINT evidence_items_ai_metadata_check CHECK (jsonb_typeof(ai_metadata) = 'object')
);

COMMENT ON TABLE compliance.evidence_items IS 'Compliance evidence of a business profile for a framework, with its review status.';

COMMENT ON COLUMN compliance.evidence_items.control_reference IS 'The framework control this evidence supports, e.g. A.5.1.';

COMMENT ON COLUMN compliance.evidence_items.file_path IS 'Where the document lives in external file storage; null until uploaded.';

COMMENT ON COLUMN compliance.evidence_items.file_size IS 'Bytes.';

COMMENT ON COLUMN compliance.evidence_items.status IS 'not_started, in_progress, collected, approved or rejected.';

COMMENT ON COLUMN compliance.evidence_items.priority IS 'low, medium, high or critical.';

COMMENT ON COLUMN compliance.evidence_items.approved_at IS 'When the evidence was approved; set exactly when status is approved.';

COMMENT ON COLUMN compliance.evidence_items.approved_by IS 'The user who approved it; set exactly when status is approved.';

COMMENT ON COLUMN compliance.evidence_items.ai_metadata IS 'AI analysis results (a jsonb object).';

COMMENT ON COLUMN compliance.evidence_items.search_vector IS 'Generated: English full-text vector of the name and control reference (weight A) and description (B).';

COMMENT ON CONSTRAINT evidence_items_user_id_fkey ON compliance.evidence_items IS 'an evidence item must belong to an existing user';

COMMENT ON CONSTRAINT evidence_items_business_profile_id_fkey ON compliance.evidence_items IS 'business_profile_id must be a business profile of the same user';

COMMENT ON CONSTRAINT evidence_items_framework_id_fkey ON compliance.evidence_items IS 'framework_id must be an existing compliance framework (a framework in use cannot be deleted)';

COMMENT ON CONSTRAINT evidence_items_approved_by_fkey ON compliance.evidence_items IS 'approved_by must be an existing user (an approver cannot be deleted while their approvals stand)';

COMMENT ON CONSTRAINT evidence_items_evidence_name_check ON compliance.evidence_items IS 'evidence_name must have 1 to 255 characters';

COMMENT ON CONSTRAINT evidence_items_control_reference_check ON compliance.evidence_items IS 'control_reference must have 1 to 100 characters';

COMMENT ON CONSTRAINT evidence_items_file_path_check ON compliance.evidence_items IS 'file_path must have 1 to 500 characters';

COMMENT ON CONSTRAINT evidence_items_file_type_check ON compliance.evidence_items IS 'file_type must have 1 to 50 characters';

COMMENT ON CONSTRAINT evidence_items_file_size_check ON compliance.evidence_items IS 'file_size cannot be negative';

COMMENT ON CONSTRAINT evidence_items_status_check ON compliance.evidence_items IS 'status must be not_started, in_progress, collected, approved or rejected';

COMMENT ON CONSTRAINT evidence_items_priority_check ON compliance.evidence_items IS 'priority must be low, medium, high or critical';

COMMENT ON CONSTRAINT evidence_items_approval_check ON compliance.evidence_items IS 'approved evidence must have approved_at and approved_by, and only approved evidence has them';

COMMENT ON CONSTRAINT evidence_items_ai_metadata_check ON compliance.evidence_items IS 'ai_metadata must be a JSON object';

CREATE INDEX evidence_items_user_id_framework_id_idx ON compliance.evidence_items (user_id, framework_id) INCLUDE (status);

CREATE INDEX evidence_items_user_id_status_idx ON compliance.evidence_items (user_id, status);

CREATE INDEX evidence_items_user_id_created_at_idx ON compliance.evidence_items (user_id, created_at DESC, id DESC);

CREATE INDEX evidence_items_business_profile_id_idx ON compliance.evidence_items (business_profile_id, user_id);

CREATE INDEX evidence_items_framework_id_idx ON compliance.evidence_items (framework_id);

CREATE INDEX evidence_items_approved_by_idx ON compliance.evidence_items (approved_by) WHERE approved_by IS NOT NULL;

CREATE INDEX evidence_items_evidence_name_trgm_idx ON compliance.evidence_items USING gin (evidence_name public.gin_trgm_ops);

CREATE INDEX evidence_items_ai_metadata_idx ON compliance.evidence_items USING gin (ai_metadata);

CREATE INDEX evidence_items_search_vector_idx ON compliance.evidence_items USING gin (search_vector);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.evidence_items
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON compliance.evidence_items
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('search_vector');
