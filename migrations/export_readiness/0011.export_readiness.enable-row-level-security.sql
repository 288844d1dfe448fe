-- export_readiness: row-level security (ENABLE and FORCE) on every table, so that a user's rows
-- are visible and writable only while the transaction acts for that user.
--
-- Every table belongs to one user: users by its id; reports, certification_progress,
-- generated_documents, action_plan_progress, chat_sessions and user_metrics by user_id;
-- chat_messages through its session, finance_analysis and logistics_analysis through their report
-- (their policies test the parent with EXISTS, and the parent's own policy applies inside it).
-- Three policies per table:
--   <table>_app_own        export_readiness_app, every command: the row's owner must be
--                          core.current_user_id() (the transaction setting datalayer.user_id, set by
--                          db.transaction(user_id=...)), for the rows read and the rows written; no
--                          setting means no rows;
--   <table>_readonly_all   export_readiness_readonly, SELECT only: every row (product reporting
--                          across users; its grants leave out password hashes);
--   <table>_owner_all      datalayer_owner, every command: FORCE applies to the owner too, and the
--                          definer functions (sign-up, sign-in lookup) and future migrations run as it.
-- Foreign-key checks and ON DELETE CASCADE run as the table owner without row-level security, so
-- deleting a user or a report still removes everything under it.
-- No grant is given here (the next migration grants): until then the application roles have none.
-- depends: 0010.export_readiness.create-user-metrics 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- users: owned by its own id

ALTER TABLE export_readiness.users ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.users FORCE ROW LEVEL SECURITY;

CREATE POLICY users_owner_all ON export_readiness.users
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY users_app_own ON export_readiness.users
    TO export_readiness_app
    USING (id = core.current_user_id())
    WITH CHECK (id = core.current_user_id());

CREATE POLICY users_readonly_all ON export_readiness.users
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY users_owner_all ON export_readiness.users IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY users_app_own ON export_readiness.users IS 'The service sees and changes only the acting user (datalayer.user_id); sign-up and sign-in go through definer functions.';

COMMENT ON POLICY users_readonly_all ON export_readiness.users IS 'Reporting reads every user (not the password hash: no grant on it).';

-- tables with user_id

ALTER TABLE export_readiness.reports ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.reports FORCE ROW LEVEL SECURITY;

CREATE POLICY reports_owner_all ON export_readiness.reports
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY reports_app_own ON export_readiness.reports
    TO export_readiness_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

CREATE POLICY reports_readonly_all ON export_readiness.reports
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY reports_owner_all ON export_readiness.reports IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY reports_app_own ON export_readiness.reports IS 'The service sees and writes only the acting user''s reports (datalayer.user_id).';

COMMENT ON POLICY reports_readonly_all ON export_readiness.reports IS 'Reporting reads every report.';

ALTER TABLE export_readiness.certification_progress ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.certification_progress FORCE ROW LEVEL SECURITY;

CREATE POLICY certification_progress_owner_all ON export_readiness.certification_progress
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY certification_progress_app_own ON export_readiness.certification_progress
    TO export_readiness_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

CREATE POLICY certification_progress_readonly_all ON export_readiness.certification_progress
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY certification_progress_owner_all ON export_readiness.certification_progress IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY certification_progress_app_own ON export_readiness.certification_progress IS 'The service sees and writes only the acting user''s certification progress (datalayer.user_id).';

COMMENT ON POLICY certification_progress_readonly_all ON export_readiness.certification_progress IS 'Reporting reads every row.';

ALTER TABLE export_readiness.generated_documents ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.generated_documents FORCE ROW LEVEL SECURITY;

CREATE POLICY generated_documents_owner_all ON export_readiness.generated_documents
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY generated_documents_app_own ON export_readiness.generated_documents
    TO export_readiness_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

CREATE POLICY generated_documents_readonly_all ON export_readiness.generated_documents
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY generated_documents_owner_all ON export_readiness.generated_documents IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY generated_documents_app_own ON export_readiness.generated_documents IS 'The service sees and writes only the acting user''s documents (datalayer.user_id).';

COMMENT ON POLICY generated_documents_readonly_all ON export_readiness.generated_documents IS 'Reporting reads every row (the content stays encrypted).';

ALTER TABLE export_readiness.action_plan_progress ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.action_plan_progress FORCE ROW LEVEL SECURITY;

CREATE POLICY action_plan_progress_owner_all ON export_readiness.action_plan_progress
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY action_plan_progress_app_own ON export_readiness.action_plan_progress
    TO export_readiness_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

CREATE POLICY action_plan_progress_readonly_all ON export_readiness.action_plan_progress
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY action_plan_progress_owner_all ON export_readiness.action_plan_progress IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY action_plan_progress_app_own ON export_readiness.action_plan_progress IS 'The service sees and writes only the acting user''s action plans (datalayer.user_id).';

COMMENT ON POLICY action_plan_progress_readonly_all ON export_readiness.action_plan_progress IS 'Reporting reads every row.';

ALTER TABLE export_readiness.chat_sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.chat_sessions FORCE ROW LEVEL SECURITY;

CREATE POLICY chat_sessions_owner_all ON export_readiness.chat_sessions
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY chat_sessions_app_own ON export_readiness.chat_sessions
    TO export_readiness_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

CREATE POLICY chat_sessions_readonly_all ON export_readiness.chat_sessions
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY chat_sessions_owner_all ON export_readiness.chat_sessions IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY chat_sessions_app_own ON export_readiness.chat_sessions IS 'The service sees and writes only the acting user''s chat sessions (datalayer.user_id).';

COMMENT ON POLICY chat_sessions_readonly_all ON export_readiness.chat_sessions IS 'Reporting reads every row.';

ALTER TABLE export_readiness.user_metrics ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.user_metrics FORCE ROW LEVEL SECURITY;

CREATE POLICY user_metrics_owner_all ON export_readiness.user_metrics
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY user_metrics_app_own ON export_readiness.user_metrics
    TO export_readiness_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

CREATE POLICY user_metrics_readonly_all ON export_readiness.user_metrics
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY user_metrics_owner_all ON export_readiness.user_metrics IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY user_metrics_app_own ON export_readiness.user_metrics IS 'The service sees and writes only the acting user''s metrics (datalayer.user_id).';

COMMENT ON POLICY user_metrics_readonly_all ON export_readiness.user_metrics IS 'Reporting reads every row (platform totals).';

-- child tables owned through their parent

ALTER TABLE export_readiness.chat_messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.chat_messages FORCE ROW LEVEL SECURITY;

CREATE POLICY chat_messages_owner_all ON export_readiness.chat_messages
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY chat_messages_app_own ON export_readiness.chat_messages
    TO export_readiness_app
    USING (
        EXISTS (
            SELECT
            FROM export_readiness.chat_sessions AS s
            WHERE s.id = chat_messages.session_id
                AND s.user_id = core.current_user_id()
        )
    )
    WITH CHECK (
        EXISTS (
            SELECT
            FROM export_readiness.chat_sessions AS s
            WHERE s.id = chat_messages.session_id
                AND s.user_id = core.current_user_id()
        )
    );

CREATE POLICY chat_messages_readonly_all ON export_readiness.chat_messages
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY chat_messages_owner_all ON export_readiness.chat_messages IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY chat_messages_app_own ON export_readiness.chat_messages IS 'The service sees and adds only messages of the acting user''s chat sessions (datalayer.user_id).';

COMMENT ON POLICY chat_messages_readonly_all ON export_readiness.chat_messages IS 'Reporting reads every row (the text stays encrypted).';

ALTER TABLE export_readiness.finance_analysis ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.finance_analysis FORCE ROW LEVEL SECURITY;

CREATE POLICY finance_analysis_owner_all ON export_readiness.finance_analysis
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY finance_analysis_app_own ON export_readiness.finance_analysis
    TO export_readiness_app
    USING (
        EXISTS (
            SELECT
            FROM export_readiness.reports AS r
            WHERE r.id = finance_analysis.report_id
                AND r.user_id = core.current_user_id()
        )
    )
    WITH CHECK (
        EXISTS (
            SELECT
            FROM export_readiness.reports AS r
            WHERE r.id = finance_analysis.report_id
                AND r.user_id = core.current_user_id()
        )
    );

CREATE POLICY finance_analysis_readonly_all ON export_readiness.finance_analysis
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY finance_analysis_owner_all ON export_readiness.finance_analysis IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY finance_analysis_app_own ON export_readiness.finance_analysis IS 'The service sees and adds only analyses of the acting user''s reports (datalayer.user_id).';

COMMENT ON POLICY finance_analysis_readonly_all ON export_readiness.finance_analysis IS 'Reporting reads every row.';

ALTER TABLE export_readiness.logistics_analysis ENABLE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.logistics_analysis FORCE ROW LEVEL SECURITY;

CREATE POLICY logistics_analysis_owner_all ON export_readiness.logistics_analysis
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY logistics_analysis_app_own ON export_readiness.logistics_analysis
    TO export_readiness_app
    USING (
        EXISTS (
            SELECT
            FROM export_readiness.reports AS r
            WHERE r.id = logistics_analysis.report_id
                AND r.user_id = core.current_user_id()
        )
    )
    WITH CHECK (
        EXISTS (
            SELECT
            FROM export_readiness.reports AS r
            WHERE r.id = logistics_analysis.report_id
                AND r.user_id = core.current_user_id()
        )
    );

CREATE POLICY logistics_analysis_readonly_all ON export_readiness.logistics_analysis
    FOR SELECT
    TO export_readiness_readonly
    USING (true);

COMMENT ON POLICY logistics_analysis_owner_all ON export_readiness.logistics_analysis IS 'The owner (migrations, definer functions) reads and writes every row.';

COMMENT ON POLICY logistics_analysis_app_own ON export_readiness.logistics_analysis IS 'The service sees and adds only analyses of the acting user''s reports (datalayer.user_id).';

COMMENT ON POLICY logistics_analysis_readonly_all ON export_readiness.logistics_analysis IS 'Reporting reads every row.';
