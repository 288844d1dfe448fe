-- export_readiness: users and reports are soft deleted, restorable for 30 days, purged after.
--
-- users.deleted_at and reports.deleted_at (NULL while live). Deleting marks the row; a deleted
-- row and everything that belongs to it become invisible to the service and to reporting through
-- RESTRICTIVE row-level security policies (<table>_live), added to the existing ones, so every
-- query keeps its text and excludes deleted rows: users and reports by deleted_at; the tables
-- that hang off a report (certification progress, generated documents, action plan, analyses,
-- chat sessions of a report) only while their report is visible; chat sessions and metrics only
-- while their user is visible; chat messages only while their session is. A deleted report or
-- user cannot get new children either (the same policies check new rows).
--
-- The service loses DELETE on users and reports (a hard delete would skip the retention window)
-- and cannot set deleted_at itself (no UPDATE on it: an UPDATE that hides its own row fails
-- row-level security); it calls narrow SECURITY DEFINER functions, each acting only for the
-- user in datalayer.user_id:
--   soft_delete_user(user_id)          marks the acting user deleted; its live reports are marked
--                                      in the same statement (trigger users._200_cascade_deleted)
--   soft_delete_report(report_id, user_id)   marks one live report of the acting user
--   restore_user(user_id)              within the retention window: the user and the reports
--                                      deleted with it (same deleted_at) come back
--   restore_report(report_id, user_id) within the window, when its user is live
-- Restoring after the window raises DL501 (RuleViolation). The window is
-- export_readiness.deletion_retention() (30 days).
--
-- export_readiness.purge_deleted(as_of) removes for good what was deleted before as_of minus the
-- window: users (their rows of every table go by the existing ON DELETE CASCADE) and reports
-- (their dependents likewise). Only the owner runs it (a scheduled job as the migration login);
-- PUBLIC and the application roles have no EXECUTE.
--
-- login_by_email skips deleted users (it runs as the owner, which sees every row). The unique
-- email index becomes partial (live users only) in the next migration, so a deleted email can sign
-- up again.
-- depends: 0015.export_readiness.validate-input-checks 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE export_readiness.users ADD COLUMN deleted_at timestamptz;

ALTER TABLE export_readiness.reports ADD COLUMN deleted_at timestamptz;

COMMENT ON COLUMN export_readiness.users.deleted_at IS 'When the user was deleted (soft delete; NULL while live). Restorable for export_readiness.deletion_retention(), purged after.';

COMMENT ON COLUMN export_readiness.reports.deleted_at IS 'When the report was deleted, by itself or with its user (soft delete; NULL while live). Restorable for export_readiness.deletion_retention(), purged after.';

GRANT SELECT (deleted_at) ON TABLE export_readiness.users TO export_readiness_app, export_readiness_readonly;

REVOKE DELETE ON TABLE export_readiness.users, export_readiness.reports FROM export_readiness_app;

-- what stays visible: RESTRICTIVE policies, ANDed with the existing permissive ones

CREATE POLICY users_live ON export_readiness.users
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (deleted_at IS NULL);

CREATE POLICY reports_live ON export_readiness.reports
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (deleted_at IS NULL);

CREATE POLICY certification_progress_live ON export_readiness.certification_progress
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (EXISTS (SELECT FROM export_readiness.reports AS r WHERE r.id = certification_progress.report_id));

CREATE POLICY generated_documents_live ON export_readiness.generated_documents
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (EXISTS (SELECT FROM export_readiness.reports AS r WHERE r.id = generated_documents.report_id));

CREATE POLICY action_plan_progress_live ON export_readiness.action_plan_progress
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (EXISTS (SELECT FROM export_readiness.reports AS r WHERE r.id = action_plan_progress.report_id));

CREATE POLICY finance_analysis_live ON export_readiness.finance_analysis
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (EXISTS (SELECT FROM export_readiness.reports AS r WHERE r.id = finance_analysis.report_id));

CREATE POLICY logistics_analysis_live ON export_readiness.logistics_analysis
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (EXISTS (SELECT FROM export_readiness.reports AS r WHERE r.id = logistics_analysis.report_id));

CREATE POLICY chat_sessions_live ON export_readiness.chat_sessions
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (
        EXISTS (SELECT FROM export_readiness.users AS u WHERE u.id = chat_sessions.user_id)
        AND (chat_sessions.report_id IS NULL OR EXISTS (SELECT FROM export_readiness.reports AS r WHERE r.id = chat_sessions.report_id))
    );

CREATE POLICY chat_messages_live ON export_readiness.chat_messages
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (EXISTS (SELECT FROM export_readiness.chat_sessions AS s WHERE s.id = chat_messages.session_id));

CREATE POLICY user_metrics_live ON export_readiness.user_metrics
    AS RESTRICTIVE
    TO export_readiness_app, export_readiness_readonly
    USING (EXISTS (SELECT FROM export_readiness.users AS u WHERE u.id = user_metrics.user_id));

COMMENT ON POLICY users_live ON export_readiness.users IS 'Deleted users (deleted_at set) are invisible to the service and to reporting, and cannot be changed.';

COMMENT ON POLICY reports_live ON export_readiness.reports IS 'Deleted reports (by themselves or with their user) are invisible and cannot be changed.';

COMMENT ON POLICY certification_progress_live ON export_readiness.certification_progress IS 'Visible and writable only while its report is (not deleted).';

COMMENT ON POLICY generated_documents_live ON export_readiness.generated_documents IS 'Visible and writable only while its report is (not deleted).';

COMMENT ON POLICY action_plan_progress_live ON export_readiness.action_plan_progress IS 'Visible and writable only while its report is (not deleted).';

COMMENT ON POLICY finance_analysis_live ON export_readiness.finance_analysis IS 'Visible and writable only while its report is (not deleted).';

COMMENT ON POLICY logistics_analysis_live ON export_readiness.logistics_analysis IS 'Visible and writable only while its report is (not deleted).';

COMMENT ON POLICY chat_sessions_live ON export_readiness.chat_sessions IS 'Visible and writable only while its user, and its report if it has one, are (not deleted).';

COMMENT ON POLICY chat_messages_live ON export_readiness.chat_messages IS 'Visible and writable only while its chat session is.';

COMMENT ON POLICY user_metrics_live ON export_readiness.user_metrics IS 'Visible and writable only while its user is (not deleted).';

-- the retention window

CREATE FUNCTION export_readiness.deletion_retention() RETURNS interval
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT interval '30 days';
$$;

COMMENT ON FUNCTION export_readiness.deletion_retention() IS 'How long a deleted user or report can be restored (30 days); purge_deleted removes it after.';

REVOKE ALL ON FUNCTION export_readiness.deletion_retention() FROM PUBLIC;

GRANT EXECUTE ON FUNCTION export_readiness.deletion_retention() TO export_readiness_app, export_readiness_readonly;

-- the cascade: a user's deletion and restoration carry its reports along

CREATE FUNCTION export_readiness.tg__users_cascade_deleted() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN
        UPDATE export_readiness.reports
        SET deleted_at = NEW.deleted_at
        WHERE user_id = NEW.id
            AND deleted_at IS NULL;
    ELSIF NEW.deleted_at IS NULL AND OLD.deleted_at IS NOT NULL THEN
        UPDATE export_readiness.reports
        SET deleted_at = NULL
        WHERE user_id = NEW.id
            AND deleted_at = OLD.deleted_at;
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION export_readiness.tg__users_cascade_deleted() IS 'Trigger: deleting a user marks its live reports deleted at the same time; restoring it restores the reports deleted with it (same deleted_at), not those deleted before.';

REVOKE ALL ON FUNCTION export_readiness.tg__users_cascade_deleted() FROM PUBLIC;

CREATE TRIGGER _200_cascade_deleted
    AFTER UPDATE OF deleted_at ON export_readiness.users
    FOR EACH ROW
    WHEN (OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION export_readiness.tg__users_cascade_deleted();

-- deleting and restoring, for the acting user only

CREATE FUNCTION export_readiness.soft_delete_user(p_user_id uuid) RETURNS integer
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH deleted AS (
        UPDATE export_readiness.users
        SET deleted_at = pg_catalog.now()
        WHERE id = p_user_id
            AND id = core.current_user_id()
            AND deleted_at IS NULL
        RETURNING 1
    )
    SELECT pg_catalog.count(*)::integer FROM deleted;
$$;

COMMENT ON FUNCTION export_readiness.soft_delete_user(uuid) IS 'Deletes the acting user (datalayer.user_id) and its reports (soft: restorable for deletion_retention()); returns 1, or 0 for any other user or one already deleted. SECURITY DEFINER; EXECUTE for export_readiness_app.';

CREATE FUNCTION export_readiness.soft_delete_report(p_report_id uuid, p_user_id uuid) RETURNS integer
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH deleted AS (
        UPDATE export_readiness.reports AS r
        SET deleted_at = pg_catalog.now()
        FROM export_readiness.users AS u
        WHERE r.id = p_report_id
            AND r.user_id = p_user_id
            AND r.user_id = core.current_user_id()
            AND r.deleted_at IS NULL
            AND u.id = r.user_id
            AND u.deleted_at IS NULL
        RETURNING 1
    )
    SELECT pg_catalog.count(*)::integer FROM deleted;
$$;

COMMENT ON FUNCTION export_readiness.soft_delete_report(uuid, uuid) IS 'Deletes one live report of the acting user (soft: restorable for deletion_retention()), hiding its progress, documents, action plan, chats and analyses; returns 1, or 0 otherwise. SECURITY DEFINER; EXECUTE for export_readiness_app.';

CREATE FUNCTION export_readiness.restore_user(p_user_id uuid) RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_deleted_at timestamptz;
BEGIN
    SELECT u.deleted_at INTO v_deleted_at
    FROM export_readiness.users AS u
    WHERE u.id = p_user_id
        AND u.id = core.current_user_id()
        AND u.deleted_at IS NOT NULL
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    IF v_deleted_at < pg_catalog.now() - export_readiness.deletion_retention() THEN
        RAISE EXCEPTION 'restore_user: the user was deleted more than % ago and can no longer be restored', export_readiness.deletion_retention()
            USING ERRCODE = 'DL501', SCHEMA = 'export_readiness', TABLE = 'users', COLUMN = 'deleted_at';
    END IF;
    UPDATE export_readiness.users SET deleted_at = NULL WHERE id = p_user_id;
    RETURN 1;
END;
$$;

COMMENT ON FUNCTION export_readiness.restore_user(uuid) IS 'Restores the acting user (datalayer.user_id) and the reports deleted with it, within deletion_retention() of the deletion (DL501 after); returns 1, or 0 when that user is not deleted (or is another user). A live user holding the same email meanwhile makes it fail with users_email_key. SECURITY DEFINER; EXECUTE for export_readiness_app.';

CREATE FUNCTION export_readiness.restore_report(p_report_id uuid, p_user_id uuid) RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_deleted_at timestamptz;
BEGIN
    SELECT r.deleted_at INTO v_deleted_at
    FROM export_readiness.reports AS r
    JOIN export_readiness.users AS u ON u.id = r.user_id
    WHERE r.id = p_report_id
        AND r.user_id = p_user_id
        AND r.user_id = core.current_user_id()
        AND r.deleted_at IS NOT NULL
        AND u.deleted_at IS NULL
    FOR UPDATE OF r;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    IF v_deleted_at < pg_catalog.now() - export_readiness.deletion_retention() THEN
        RAISE EXCEPTION 'restore_report: the report was deleted more than % ago and can no longer be restored', export_readiness.deletion_retention()
            USING ERRCODE = 'DL501', SCHEMA = 'export_readiness', TABLE = 'reports', COLUMN = 'deleted_at';
    END IF;
    UPDATE export_readiness.reports SET deleted_at = NULL WHERE id = p_report_id;
    RETURN 1;
END;
$$;

COMMENT ON FUNCTION export_readiness.restore_report(uuid, uuid) IS 'Restores a deleted report of the acting user (whose account is live) within deletion_retention() of the deletion (DL501 after); returns 1, or 0 otherwise. SECURITY DEFINER; EXECUTE for export_readiness_app.';

REVOKE ALL ON FUNCTION export_readiness.soft_delete_user(uuid), export_readiness.soft_delete_report(uuid, uuid),
    export_readiness.restore_user(uuid), export_readiness.restore_report(uuid, uuid) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION export_readiness.soft_delete_user(uuid), export_readiness.soft_delete_report(uuid, uuid),
    export_readiness.restore_user(uuid), export_readiness.restore_report(uuid, uuid) TO export_readiness_app;

-- purging, after the window (the owner only)

CREATE FUNCTION export_readiness.purge_deleted(p_as_of timestamptz DEFAULT now(), OUT users_purged integer, OUT reports_purged integer)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_as_of IS NULL OR p_as_of > pg_catalog.now() THEN
        RAISE EXCEPTION 'purge_deleted: as_of must be a time not after now()'
            USING ERRCODE = '22023';
    END IF;
    DELETE FROM export_readiness.users
    WHERE deleted_at < p_as_of - export_readiness.deletion_retention();
    GET DIAGNOSTICS users_purged = ROW_COUNT;
    DELETE FROM export_readiness.reports
    WHERE deleted_at < p_as_of - export_readiness.deletion_retention();
    GET DIAGNOSTICS reports_purged = ROW_COUNT;
END;
$$;

COMMENT ON FUNCTION export_readiness.purge_deleted(timestamptz) IS 'Removes for good the users and reports deleted more than deletion_retention() before p_as_of (default now; never later), with every row that belongs to them (ON DELETE CASCADE); returns how many users and reports (besides those of the purged users) it removed. For the owner (a scheduled job as the migration login); no application role may run it.';

REVOKE ALL ON FUNCTION export_readiness.purge_deleted(timestamptz) FROM PUBLIC;

-- sign-in skips deleted users

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
        AND u.is_active
        AND u.deleted_at IS NULL;
$$;

COMMENT ON FUNCTION export_readiness.login_by_email(text) IS 'Sign-in, before the user is known: the id and password hash of the active, not deleted user with this email (any case), or no row. SECURITY DEFINER; EXECUTE for export_readiness_app.';
