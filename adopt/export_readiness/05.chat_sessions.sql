-- Legacy chat sessions -> export_readiness.chat_sessions (a session about a report belongs to
-- the report's user: chat_sessions_report_id_fkey).
-- legacy: chat_sessions
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.report_id IS NOT NULL AND r.user_id IS DISTINCT FROM l.user_id
            THEN 'its user is not its report''s (chat_sessions_report_id_fkey)'
        WHEN l.context_data IS NOT NULL AND jsonb_typeof(l.context_data) <> 'object'
            THEN 'context is not a JSON object (chat_sessions_context_data_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_users AS q WHERE q.legacy_key = l.user_id::text)
            THEN 'its user is quarantined'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_reports AS q WHERE q.legacy_key = l.report_id::text)
            THEN 'its report is quarantined'
    END AS reason
FROM __legacy__.chat_sessions AS l
LEFT JOIN __legacy__.reports AS r ON r.id = l.report_id
-- name: convert
INSERT INTO export_readiness.chat_sessions (id, user_id, report_id, context_data, created_at, updated_at)
SELECT
    l.id,
    l.user_id,
    l.report_id,
    coalesce(l.context_data, '{}'),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.chat_sessions AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_chat_sessions AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.chat_sessions AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.chat_sessions AS l
WHERE EXISTS (SELECT FROM export_readiness.chat_sessions AS n WHERE n.id = l.id);
