-- Undo 0016.export_readiness.add-soft-delete. Without deleted_at a soft-deleted user or report
-- would be visible again, so this refuses while any exists: remove them first (as the owner,
-- DELETE FROM export_readiness.users WHERE deleted_at IS NOT NULL, then the same on reports) or
-- keep this migration.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DO $$
BEGIN
    IF EXISTS (SELECT FROM export_readiness.users WHERE deleted_at IS NOT NULL)
        OR EXISTS (SELECT FROM export_readiness.reports WHERE deleted_at IS NOT NULL) THEN
        RAISE EXCEPTION 'soft-deleted users or reports exist: remove them before rolling back 0016.export_readiness.add-soft-delete';
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION export_readiness.login_by_email(p_email text)
RETURNS TABLE (user_id uuid, password_hash text)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT u.id, u.password_hash
    FROM export_readiness.users AS u
    WHERE pg_catalog.lower(u.email) = pg_catalog.lower(p_email)
        AND u.is_active;
$$;

COMMENT ON FUNCTION export_readiness.login_by_email(text) IS 'Sign-in, before the user is known: the id and password hash of the active user with this email (any case), or no row. SECURITY DEFINER; EXECUTE for export_readiness_app.';

DROP FUNCTION export_readiness.purge_deleted(timestamptz);

DROP FUNCTION export_readiness.restore_report(uuid, uuid);

DROP FUNCTION export_readiness.restore_user(uuid);

DROP FUNCTION export_readiness.soft_delete_report(uuid, uuid);

DROP FUNCTION export_readiness.soft_delete_user(uuid);

DROP TRIGGER _200_cascade_deleted ON export_readiness.users;

DROP FUNCTION export_readiness.tg__users_cascade_deleted();

DROP FUNCTION export_readiness.deletion_retention();

DROP POLICY user_metrics_live ON export_readiness.user_metrics;

DROP POLICY chat_messages_live ON export_readiness.chat_messages;

DROP POLICY chat_sessions_live ON export_readiness.chat_sessions;

DROP POLICY logistics_analysis_live ON export_readiness.logistics_analysis;

DROP POLICY finance_analysis_live ON export_readiness.finance_analysis;

DROP POLICY action_plan_progress_live ON export_readiness.action_plan_progress;

DROP POLICY generated_documents_live ON export_readiness.generated_documents;

DROP POLICY certification_progress_live ON export_readiness.certification_progress;

DROP POLICY reports_live ON export_readiness.reports;

DROP POLICY users_live ON export_readiness.users;

GRANT DELETE ON TABLE export_readiness.users, export_readiness.reports TO export_readiness_app;

REVOKE SELECT (deleted_at) ON TABLE export_readiness.users FROM export_readiness_app, export_readiness_readonly;

ALTER TABLE export_readiness.reports DROP COLUMN deleted_at;

ALTER TABLE export_readiness.users DROP COLUMN deleted_at;
