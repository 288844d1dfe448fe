-- export_readiness: least privilege for the application's roles.
--
-- PUBLIC keeps nothing on the schema or its objects (it had no grant on them before either; the
-- REVOKEs state it, and cover functions, whose EXECUTE PUBLIC gets by default).
--
-- export_readiness_app (the ExportSathi service) gets exactly what the query functions in
-- sql/export_readiness/ use, column by column, and nothing else: no TRUNCATE, REFERENCES or
-- TRIGGER, no DDL, no INSERT into users (sign-up goes through a definer function), no UPDATE of a
-- user's email, password hash or is_active, no UPDATE of who owns a row, no UPDATE or DELETE of
-- chat messages (deleted only with their session) or of analyses, and no SELECT of password
-- hashes (sign-in reads them through a definer function). Deletes of children happen by cascade,
-- which needs no grant. Row-level security (the previous migration) narrows every table to the
-- acting user.
--
-- export_readiness_readonly (reporting) reads every table, without users.password_hash.
--
-- Both use core.uuid_v7() (column defaults) and core.current_user_id() (policies) through USAGE on
-- core. core.audit_log: both may SELECT, under a policy each: the service reads the export_readiness
-- rows about the acting user only (rows of users by id, of other tables by user_id; an audit image
-- holds emails, company names and document findings, so other users' rows stay hidden from it),
-- and reporting reads every export_readiness row. Neither may INSERT, UPDATE or DELETE it (only
-- the definer trigger core.tg__audit() writes).
-- depends: 0011.export_readiness.enable-row-level-security 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

REVOKE ALL ON SCHEMA export_readiness FROM PUBLIC;

REVOKE ALL ON ALL TABLES IN SCHEMA export_readiness FROM PUBLIC;

REVOKE ALL ON ALL SEQUENCES IN SCHEMA export_readiness FROM PUBLIC;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA export_readiness FROM PUBLIC;

GRANT USAGE ON SCHEMA core, export_readiness TO export_readiness_app, export_readiness_readonly;

GRANT EXECUTE ON FUNCTION core.uuid_v7(), core.current_user_id() TO export_readiness_app;

-- export_readiness_app

GRANT SELECT (id, email, company_name, business_type, company_size, iec_code, phone_encrypted, profile, is_active, last_login_at, created_at, updated_at),
    UPDATE (company_name, business_type, company_size, iec_code, phone_encrypted, profile, last_login_at),
    DELETE
    ON TABLE export_readiness.users TO export_readiness_app;

GRANT SELECT,
    INSERT (user_id, product_name, product_description, ingredients, product_image_url, destination_country, business_type, company_size, monthly_volume),
    UPDATE (status, hs_code, hs_code_confidence, risk_score, report_data, estimated_cost, estimated_timeline_days, failure_reason),
    DELETE
    ON TABLE export_readiness.reports TO export_readiness_app;

GRANT SELECT,
    INSERT (user_id, report_id, certification_id, certification_name, estimated_cost),
    UPDATE (status, notes, documents_completed, started_at, completed_at)
    ON TABLE export_readiness.certification_progress TO export_readiness_app;

GRANT SELECT,
    INSERT (user_id, report_id, document_type, content_encrypted),
    UPDATE (validation_status, validation_results, validated_at),
    DELETE
    ON TABLE export_readiness.generated_documents TO export_readiness_app;

GRANT SELECT,
    INSERT (user_id, report_id, day_number, task_id, task_title, task_description, category),
    UPDATE (completed, completed_at)
    ON TABLE export_readiness.action_plan_progress TO export_readiness_app;

GRANT SELECT,
    INSERT (user_id, report_id, context_data),
    UPDATE (context_data, updated_at),
    DELETE
    ON TABLE export_readiness.chat_sessions TO export_readiness_app;

GRANT SELECT,
    INSERT (session_id, role, content_encrypted, sources)
    ON TABLE export_readiness.chat_messages TO export_readiness_app;

GRANT SELECT,
    INSERT (report_id, working_capital_data, rodtep_benefit_data, gst_refund_data, cash_flow_timeline, total_working_capital)
    ON TABLE export_readiness.finance_analysis TO export_readiness_app;

GRANT SELECT,
    INSERT (report_id, recommended_mode, lcl_fcl_comparison, rms_probability, freight_estimate)
    ON TABLE export_readiness.logistics_analysis TO export_readiness_app;

GRANT SELECT,
    INSERT (user_id, reports_generated, certifications_completed, documents_generated, action_tasks_completed, cost_savings, time_saved_hours),
    UPDATE (reports_generated, certifications_completed, documents_generated, action_tasks_completed, cost_savings, time_saved_hours, last_activity_at)
    ON TABLE export_readiness.user_metrics TO export_readiness_app;

-- export_readiness_readonly

GRANT SELECT (id, email, company_name, business_type, company_size, iec_code, phone_encrypted, profile, is_active, last_login_at, created_at, updated_at)
    ON TABLE export_readiness.users TO export_readiness_readonly;

GRANT SELECT
    ON TABLE export_readiness.reports,
        export_readiness.certification_progress,
        export_readiness.generated_documents,
        export_readiness.action_plan_progress,
        export_readiness.chat_sessions,
        export_readiness.chat_messages,
        export_readiness.finance_analysis,
        export_readiness.logistics_analysis,
        export_readiness.user_metrics
    TO export_readiness_readonly;

-- the audit trail: read, never write

GRANT SELECT ON TABLE core.audit_log TO export_readiness_app, export_readiness_readonly;

CREATE POLICY audit_log_export_readiness_app_own ON core.audit_log
    FOR SELECT
    TO export_readiness_app
    USING (
        schema_name = 'export_readiness'
        AND coalesce(new_values, old_values) ->> (CASE WHEN table_name = 'users' THEN 'id' ELSE 'user_id' END) = core.current_user_id()::text
    );

CREATE POLICY audit_log_export_readiness_readonly_read ON core.audit_log
    FOR SELECT
    TO export_readiness_readonly
    USING (schema_name = 'export_readiness');

COMMENT ON POLICY audit_log_export_readiness_app_own ON core.audit_log IS 'The ExportSathi service reads the export_readiness audit rows about the acting user (datalayer.user_id) only.';

COMMENT ON POLICY audit_log_export_readiness_readonly_read ON core.audit_log IS 'ExportSathi reporting reads every export_readiness audit row, and no other application''s.';
