-- name: create_readiness_assessment(user_id, business_profile_id, framework_id, overall_score, risk_level, score_breakdown)^
-- Records a readiness evaluation of one of the user's business profiles for a framework; returns it.
INSERT INTO compliance.readiness_assessments (user_id, business_profile_id, framework_id, overall_score, risk_level, score_breakdown)
VALUES (:user_id, :business_profile_id, :framework_id, :overall_score, :risk_level, :score_breakdown::jsonb)
RETURNING id, user_id, business_profile_id, framework_id, overall_score, risk_level, score_breakdown, assessed_at, created_at, updated_at;

-- name: list_readiness_scores(user_id, business_profile_id)
-- Readiness of the user's business profile per framework it has evaluations or evidence for: the
-- latest evaluation's score, risk level and time (none if never evaluated), and its evidence
-- counts (total, approved); by framework code.
-- @nonnull framework_id, framework_code, framework_name, evidence_total, evidence_approved
-- @nullable overall_score, risk_level, assessed_at
SELECT
    f.id AS framework_id,
    f.code AS framework_code,
    f.name AS framework_name,
    r.overall_score,
    r.risk_level,
    r.assessed_at,
    coalesce(e.total, 0) AS evidence_total,
    coalesce(e.approved, 0) AS evidence_approved
FROM compliance.compliance_frameworks AS f
LEFT JOIN LATERAL (
    SELECT ra.overall_score, ra.risk_level, ra.assessed_at
    FROM compliance.readiness_assessments AS ra
    WHERE ra.business_profile_id = :business_profile_id
        AND ra.user_id = :user_id
        AND ra.framework_id = f.id
    ORDER BY ra.assessed_at DESC, ra.id DESC
    LIMIT 1
) AS r
    ON true
LEFT JOIN (
    SELECT
        ei.framework_id,
        count(*) AS total,
        count(*) FILTER (WHERE ei.status = 'approved') AS approved
    FROM compliance.evidence_items AS ei
    WHERE ei.business_profile_id = :business_profile_id
        AND ei.user_id = :user_id
    GROUP BY ei.framework_id
) AS e
    ON e.framework_id = f.id
WHERE r.assessed_at IS NOT NULL
    OR e.framework_id IS NOT NULL
ORDER BY f.code;
