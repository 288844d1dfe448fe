-- Undo 0011.export_readiness.enable-row-level-security: drop the policies and disable row-level
-- security, table by table in reverse order.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP POLICY logistics_analysis_readonly_all ON export_readiness.logistics_analysis;

DROP POLICY logistics_analysis_app_own ON export_readiness.logistics_analysis;

DROP POLICY logistics_analysis_owner_all ON export_readiness.logistics_analysis;

ALTER TABLE export_readiness.logistics_analysis NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.logistics_analysis DISABLE ROW LEVEL SECURITY;

DROP POLICY finance_analysis_readonly_all ON export_readiness.finance_analysis;

DROP POLICY finance_analysis_app_own ON export_readiness.finance_analysis;

DROP POLICY finance_analysis_owner_all ON export_readiness.finance_analysis;

ALTER TABLE export_readiness.finance_analysis NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.finance_analysis DISABLE ROW LEVEL SECURITY;

DROP POLICY chat_messages_readonly_all ON export_readiness.chat_messages;

DROP POLICY chat_messages_app_own ON export_readiness.chat_messages;

DROP POLICY chat_messages_owner_all ON export_readiness.chat_messages;

ALTER TABLE export_readiness.chat_messages NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.chat_messages DISABLE ROW LEVEL SECURITY;

DROP POLICY user_metrics_readonly_all ON export_readiness.user_metrics;

DROP POLICY user_metrics_app_own ON export_readiness.user_metrics;

DROP POLICY user_metrics_owner_all ON export_readiness.user_metrics;

ALTER TABLE export_readiness.user_metrics NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.user_metrics DISABLE ROW LEVEL SECURITY;

DROP POLICY chat_sessions_readonly_all ON export_readiness.chat_sessions;

DROP POLICY chat_sessions_app_own ON export_readiness.chat_sessions;

DROP POLICY chat_sessions_owner_all ON export_readiness.chat_sessions;

ALTER TABLE export_readiness.chat_sessions NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.chat_sessions DISABLE ROW LEVEL SECURITY;

DROP POLICY action_plan_progress_readonly_all ON export_readiness.action_plan_progress;

DROP POLICY action_plan_progress_app_own ON export_readiness.action_plan_progress;

DROP POLICY action_plan_progress_owner_all ON export_readiness.action_plan_progress;

ALTER TABLE export_readiness.action_plan_progress NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.action_plan_progress DISABLE ROW LEVEL SECURITY;

DROP POLICY generated_documents_readonly_all ON export_readiness.generated_documents;

DROP POLICY generated_documents_app_own ON export_readiness.generated_documents;

DROP POLICY generated_documents_owner_all ON export_readiness.generated_documents;

ALTER TABLE export_readiness.generated_documents NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.generated_documents DISABLE ROW LEVEL SECURITY;

DROP POLICY certification_progress_readonly_all ON export_readiness.certification_progress;

DROP POLICY certification_progress_app_own ON export_readiness.certification_progress;

DROP POLICY certification_progress_owner_all ON export_readiness.certification_progress;

ALTER TABLE export_readiness.certification_progress NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.certification_progress DISABLE ROW LEVEL SECURITY;

DROP POLICY reports_readonly_all ON export_readiness.reports;

DROP POLICY reports_app_own ON export_readiness.reports;

DROP POLICY reports_owner_all ON export_readiness.reports;

ALTER TABLE export_readiness.reports NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.reports DISABLE ROW LEVEL SECURITY;

DROP POLICY users_readonly_all ON export_readiness.users;

DROP POLICY users_app_own ON export_readiness.users;

DROP POLICY users_owner_all ON export_readiness.users;

ALTER TABLE export_readiness.users NO FORCE ROW LEVEL SECURITY;

ALTER TABLE export_readiness.users DISABLE ROW LEVEL SECURITY;
