-- compliance.assessment_sessions: a framework assessment of one business profile.
-- Fixes the seed: business_profile_id (not business_profil) is a real foreign key, together with
-- the owner, to business_profiles (id, user_id), so a session cannot point at another user's
-- profile and the assessment dashboard's join is sound; framework_id references
-- compliance_frameworks; questions_answered (not questions_answe) is a jsonb object. status is one
-- of not_started, in_progress, completed, abandoned; progress_percentage is between 0 and 100;
-- completed_at is set exactly when the session is completed.
-- depends: 0003.compliance.create-business-profiles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE compliance.assessment_sessions (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    business_profile_id uuid NOT NULL,
    framework_id uuid NOT NULL,
    session_name text,
    status text NOT NULL DEFAULT 'not_started',
    questions_answered jsonb NOT NULL DEFAULT '{}',
    progress_percentage numeric(5, 2) NOT NULL DEFAULT 0,
    completed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT assessment_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT assessment_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES compliance.users (id) ON DELETE CASCADE,
    CONSTRAINT assessment_sessions_business_profile_id_fkey FOREIGN KEY (business_profile_id, user_id)
        REFERENCES compliance.business_profiles (id, user_id) ON DELETE CASCADE,
    CONSTRAINT assessment_sessions_framework_id_fkey FOREIGN KEY (framework_id)
        REFERENCES compliance.compliance_frameworks (id) ON DELETE RESTRICT,
    CONSTRAINT assessment_sessions_session_name_check CHECK (length(btrim(session_name)) BETWEEN 1 AND 255),
    CONSTRAINT assessment_sessions_status_check CHECK (status IN ('not_started', 'in_progress', 'completed', 'abandoned')),
    CONSTRAINT assessment_sessions_questions_answered_check CHECK (jsonb_typeof(questions_answered) = 'object'),
    CONSTRAINT assessment_sessions_progress_percentage_check CHECK (progress_percentage BETWEEN 0 AND 100),
    CONSTRAINT assessment_sessions_completed_at_check CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);

COMMENT ON TABLE compliance.assessment_sessions IS 'Framework assessments of a business profile: answers and progress.';

COMMENT ON COLUMN compliance.assessment_sessions.questions_answered IS 'Answers by question id (a jsonb object).';

COMMENT ON COLUMN compliance.assessment_sessions.progress_percentage IS 'Share of the framework''s questions answered, 0 to 100.';

COMMENT ON COLUMN compliance.assessment_sessions.completed_at IS 'Set exactly when status is completed.';

COMMENT ON CONSTRAINT assessment_sessions_user_id_fkey ON compliance.assessment_sessions IS 'an assessment session must belong to an existing user';

COMMENT ON CONSTRAINT assessment_sessions_business_profile_id_fkey ON compliance.assessment_sessions IS 'business_profile_id must be a business profile of the same user';

COMMENT ON CONSTRAINT assessment_sessions_framework_id_fkey ON compliance.assessment_sessions IS 'framework_id must be an existing compliance framework (a framework in use cannot be deleted)';

COMMENT ON CONSTRAINT assessment_sessions_session_name_check ON compliance.assessment_sessions IS 'session_name must have 1 to 255 characters';

COMMENT ON CONSTRAINT assessment_sessions_status_check ON compliance.assessment_sessions IS 'status must be not_started, in_progress, completed or abandoned';

COMMENT ON CONSTRAINT assessment_sessions_questions_answered_check ON compliance.assessment_sessions IS 'questions_answered must be a JSON object';

COMMENT ON CONSTRAINT assessment_sessions_progress_percentage_check ON compliance.assessment_sessions IS 'progress_percentage must be between 0 and 100';

COMMENT ON CONSTRAINT assessment_sessions_completed_at_check ON compliance.assessment_sessions IS 'completed_at must be set exactly when the session is completed';

CREATE INDEX assessment_sessions_user_id_updated_at_idx ON compliance.assessment_sessions (user_id, updated_at DESC, id DESC);

CREATE INDEX assessment_sessions_business_profile_id_idx ON compliance.assessment_sessions (business_profile_id, user_id);

CREATE INDEX assessment_sessions_framework_id_idx ON compliance.assessment_sessions (framework_id);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON compliance.assessment_sessions
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
