-- name: create_assessment_session(user_id, business_profile_id, framework_id, session_name)^
-- Starts an assessment of one of the user's business profiles against a framework; returns it.
-- @param session_name: str | None
INSERT INTO compliance.assessment_sessions (user_id, business_profile_id, framework_id, session_name)
VALUES (:user_id, :business_profile_id, :framework_id, :session_name)
RETURNING id, user_id, business_profile_id, framework_id, session_name, status, questions_answered, progress_percentage, completed_at, created_at, updated_at;

-- name: get_assessment_session_by_id(assessment_session_id, user_id)^
-- The user's assessment session, or none.
SELECT id, user_id, business_profile_id, framework_id, session_name, status, questions_answered, progress_percentage, completed_at, created_at, updated_at
FROM compliance.assessment_sessions
WHERE id = :assessment_session_id
    AND user_id = :user_id;

-- name: update_assessment_answers(assessment_session_id, user_id, answers, progress_percentage)^
-- Merges answers (a JSON object by question id) into the user's open session and sets its progress;
-- a not-started session becomes in_progress. Returns the session, or none if the user has no such
-- open (not completed or abandoned) session.
UPDATE compliance.assessment_sessions
SET questions_answered = questions_answered || :answers::jsonb,
    progress_percentage = :progress_percentage,
    status = 'in_progress'
WHERE id = :assessment_session_id
    AND user_id = :user_id
    AND status IN ('not_started', 'in_progress')
RETURNING id, user_id, business_profile_id, framework_id, session_name, status, questions_answered, progress_percentage, completed_at, created_at, updated_at;

-- name: update_assessment_completed(assessment_session_id, user_id)^
-- Completes the user's open session (progress 100); returns it, or none if there is no such open session.
UPDATE compliance.assessment_sessions
SET status = 'completed',
    progress_percentage = 100,
    completed_at = now()
WHERE id = :assessment_session_id
    AND user_id = :user_id
    AND status IN ('not_started', 'in_progress')
RETURNING id, user_id, business_profile_id, framework_id, session_name, status, questions_answered, progress_percentage, completed_at, created_at, updated_at;

-- name: list_assessment_dashboard(user_id, before_updated_at, before_id, max_rows)
-- A page of the user's assessment sessions with their business profile's company name and the
-- framework, most recently updated first. For the next page pass the last row's updated_at and id
-- as before_updated_at and before_id (both none for the first page).
-- @param before_updated_at: datetime | None
-- @param before_id: UUID | None
SELECT
    a.id,
    a.business_profile_id,
    bp.company_name,
    a.framework_id,
    f.code AS framework_code,
    f.name AS framework_name,
    a.session_name,
    a.status,
    a.progress_percentage,
    a.completed_at,
    a.created_at,
    a.updated_at
FROM compliance.assessment_sessions AS a
JOIN compliance.business_profiles AS bp
    ON bp.id = a.business_profile_id
    AND bp.user_id = a.user_id
JOIN compliance.compliance_frameworks AS f
    ON f.id = a.framework_id
WHERE a.user_id = :user_id
    AND (a.updated_at, a.id) < (
        (SELECT coalesce(:before_updated_at::timestamptz, 'infinity')),
        (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
    )
ORDER BY a.updated_at DESC, a.id DESC
LIMIT :max_rows::int;

-- name: update_assessment_abandoned(assessment_session_id, user_id)^
-- Abandons the user's open (not started or in progress) session; returns it, or none if the user
-- has no such open session. The database refuses abandoning a completed session whoever asks
-- (assessment_sessions_status_transition_check).
UPDATE compliance.assessment_sessions
SET status = 'abandoned'
WHERE id = :assessment_session_id
    AND user_id = :user_id
    AND status IN ('not_started', 'in_progress')
RETURNING id, user_id, business_profile_id, framework_id, session_name, status, questions_answered, progress_percentage, completed_at, created_at, updated_at;

-- name: update_assessment_status(assessment_session_id, user_id, status)^
-- Moves the user's session to status as one step of its lifecycle (not_started -> in_progress,
-- completed or abandoned; in_progress -> completed or abandoned); any other step is refused by
-- assessment_sessions_status_transition_check. completed_at follows status. Returns the session,
-- or none if the user has no such session.
UPDATE compliance.assessment_sessions
SET status = :status,
    completed_at = CASE WHEN :status = 'completed' THEN coalesce(completed_at, now()) END
WHERE id = :assessment_session_id
    AND user_id = :user_id
RETURNING id, user_id, business_profile_id, framework_id, session_name, status, questions_answered, progress_percentage, completed_at, created_at, updated_at;

-- name: list_assessment_sessions_by_profile(business_profile_id, user_id)
-- The assessment sessions of the user's business profile, oldest first (with
-- list_evidence_items_by_profile: the profile's activity as two set-based queries, the
-- alternative to get_business_profile_with_activity's nested JSON).
SELECT id, user_id, business_profile_id, framework_id, session_name, status, questions_answered, progress_percentage, completed_at, created_at, updated_at
FROM compliance.assessment_sessions
WHERE business_profile_id = :business_profile_id
    AND user_id = :user_id
ORDER BY created_at, id;
