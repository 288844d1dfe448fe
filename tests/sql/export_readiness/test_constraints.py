"""Every named constraint of export_readiness violated once: the mapped error class, the
constraint name, and the human message taken from the constraint's COMMENT."""

from __future__ import annotations

import pytest
from export_readiness_support import TABLES, make_everything, make_report, make_user

from datalayer import Database, errors
from datalayer import export_readiness as er

S = "export_readiness"
ONE_SESSION = f"(SELECT id FROM {S}.chat_sessions LIMIT 1)"
STRANGER = f"(SELECT id FROM {S}.users WHERE email = 'stranger@example.in')"
NO_SUCH = "'00000000-0000-7000-8000-000000000000'::uuid"


def _message(sql_values: str) -> str:
    return (
        f"INSERT INTO {S}.chat_messages (session_id, role, content_encrypted, sources) "
        f"SELECT {sql_values}"
    )


CHECK = errors.CheckViolation
FK = errors.ForeignKeyViolation
UNIQUE = errors.UniqueViolation

CASES: list[tuple[str, type[errors.IntegrityError], str]] = [
    # users
    (f"UPDATE {S}.users SET email = 'not-an-email'", CHECK, "users_email_check"),
    (f"UPDATE {S}.users SET password_hash = 'hunter2'", CHECK, "users_password_hash_check"),
    (f"UPDATE {S}.users SET company_name = '  '", CHECK, "users_company_name_check"),
    (f"UPDATE {S}.users SET business_type = 'Retail'", CHECK, "users_business_type_check"),
    (f"UPDATE {S}.users SET company_size = 'Large'", CHECK, "users_company_size_check"),
    (f"UPDATE {S}.users SET iec_code = 'ab12'", CHECK, "users_iec_code_check"),
    (rf"UPDATE {S}.users SET phone_encrypted = '\x'", CHECK, "users_phone_encrypted_check"),
    (f"UPDATE {S}.users SET profile = '[]'", CHECK, "users_profile_check"),
    (f"""UPDATE {S}.users SET profile = '{{"pan": "ABCDE1234F"}}'""", CHECK, "users_profile_check"),
    # reports
    (
        f"INSERT INTO {S}.reports (user_id, product_name, destination_country, business_type, company_size) "
        f"VALUES ({NO_SUCH}, 'Tea', 'GB', 'Merchant', 'Micro')",
        FK,
        "reports_user_id_fkey",
    ),
    (f"UPDATE {S}.reports SET product_name = ''", CHECK, "reports_product_name_check"),
    (f"UPDATE {S}.reports SET product_image_url = 'http://x/y.png'", CHECK, "reports_product_image_url_check"),
    (f"UPDATE {S}.reports SET hs_code = '0910.30'", CHECK, "reports_hs_code_check"),
    (f"UPDATE {S}.reports SET hs_code = '09103'", CHECK, "reports_hs_code_check"),
    (f"UPDATE {S}.reports SET hs_code = '09103030123'", CHECK, "reports_hs_code_check"),
    (f"UPDATE {S}.reports SET hs_code_confidence = 1.5", CHECK, "reports_hs_code_confidence_check"),
    (f"UPDATE {S}.reports SET destination_country = 'USA'", CHECK, "reports_destination_country_check"),
    (f"UPDATE {S}.reports SET destination_country = 'us'", CHECK, "reports_destination_country_check"),
    (f"UPDATE {S}.reports SET business_type = 'Retail'", CHECK, "reports_business_type_check"),
    (f"UPDATE {S}.reports SET company_size = 'Large'", CHECK, "reports_company_size_check"),
    (f"UPDATE {S}.reports SET monthly_volume = -1", CHECK, "reports_monthly_volume_check"),
    (f"UPDATE {S}.reports SET risk_score = 101", CHECK, "reports_risk_score_check"),
    (f"UPDATE {S}.reports SET risk_score = -1", CHECK, "reports_risk_score_check"),
    (f"UPDATE {S}.reports SET status = 'archived'", CHECK, "reports_status_check"),
    (f"UPDATE {S}.reports SET report_data = '[]'", CHECK, "reports_report_data_check"),
    (f"UPDATE {S}.reports SET estimated_cost = -1", CHECK, "reports_estimated_cost_check"),
    (f"UPDATE {S}.reports SET estimated_timeline_days = 731", CHECK, "reports_estimated_timeline_days_check"),
    (f"UPDATE {S}.reports SET risk_score = NULL", CHECK, "reports_completed_check"),
    (f"UPDATE {S}.reports SET failure_reason = 'boom'", CHECK, "reports_failure_reason_check"),
    # certification_progress
    (
        f"INSERT INTO {S}.certification_progress (user_id, report_id, certification_id, certification_name) "
        f"SELECT user_id, report_id, certification_id, 'again' FROM {S}.certification_progress",
        UNIQUE,
        "certification_progress_report_id_certification_id_key",
    ),
    (f"UPDATE {S}.certification_progress SET user_id = {STRANGER}", FK, "certification_progress_report_id_fkey"),
    (f"UPDATE {S}.certification_progress SET certification_id = 'FDA Reg'", CHECK, "certification_progress_certification_id_check"),
    (f"UPDATE {S}.certification_progress SET certification_name = ''", CHECK, "certification_progress_certification_name_check"),
    (f"UPDATE {S}.certification_progress SET status = 'done', started_at = now()", CHECK, "certification_progress_status_check"),
    (f"UPDATE {S}.certification_progress SET documents_completed = '{{}}'", CHECK, "certification_progress_documents_completed_check"),
    (f"UPDATE {S}.certification_progress SET estimated_cost = -1", CHECK, "certification_progress_estimated_cost_check"),
    (f"UPDATE {S}.certification_progress SET completed_at = now()", CHECK, "certification_progress_completed_at_check"),
    (f"UPDATE {S}.certification_progress SET status = 'in_progress'", CHECK, "certification_progress_started_at_check"),
    # generated_documents
    (f"UPDATE {S}.generated_documents SET user_id = {STRANGER}", FK, "generated_documents_report_id_fkey"),
    (f"UPDATE {S}.generated_documents SET document_type = 'invoice'", CHECK, "generated_documents_document_type_check"),
    (rf"UPDATE {S}.generated_documents SET content_encrypted = '\x'", CHECK, "generated_documents_content_encrypted_check"),
    (f"UPDATE {S}.generated_documents SET validation_status = 'ok', validated_at = now()", CHECK, "generated_documents_validation_status_check"),
    (f"UPDATE {S}.generated_documents SET validation_results = '[]'", CHECK, "generated_documents_validation_results_check"),
    (f"UPDATE {S}.generated_documents SET validated_at = now()", CHECK, "generated_documents_validated_at_check"),
    # action_plan_progress
    (
        f"INSERT INTO {S}.action_plan_progress (user_id, report_id, day_number, task_id, task_title) "
        f"SELECT user_id, report_id, day_number, task_id, 'again' FROM {S}.action_plan_progress",
        UNIQUE,
        "action_plan_progress_report_id_day_number_task_id_key",
    ),
    (f"UPDATE {S}.action_plan_progress SET user_id = {STRANGER}", FK, "action_plan_progress_report_id_fkey"),
    (f"UPDATE {S}.action_plan_progress SET day_number = 8", CHECK, "action_plan_progress_day_number_check"),
    (f"UPDATE {S}.action_plan_progress SET day_number = 0", CHECK, "action_plan_progress_day_number_check"),
    (f"UPDATE {S}.action_plan_progress SET task_id = 'bad id!'", CHECK, "action_plan_progress_task_id_check"),
    (f"UPDATE {S}.action_plan_progress SET task_title = ''", CHECK, "action_plan_progress_task_title_check"),
    (f"UPDATE {S}.action_plan_progress SET category = 'misc'", CHECK, "action_plan_progress_category_check"),
    (f"UPDATE {S}.action_plan_progress SET completed = true", CHECK, "action_plan_progress_completed_at_check"),
    # chat_sessions
    (f"INSERT INTO {S}.chat_sessions (user_id) VALUES ({NO_SUCH})", FK, "chat_sessions_user_id_fkey"),
    (f"UPDATE {S}.chat_sessions SET user_id = {STRANGER}", FK, "chat_sessions_report_id_fkey"),
    (f"UPDATE {S}.chat_sessions SET context_data = '[]'", CHECK, "chat_sessions_context_data_check"),
    # chat_messages
    (_message(rf"{NO_SUCH}, 'user', '\x01', '[]'"), FK, "chat_messages_session_id_fkey"),
    (_message(rf"{ONE_SESSION}, 'system', '\x01', '[]'"), CHECK, "chat_messages_role_check"),
    (_message(rf"{ONE_SESSION}, 'user', '\x', '[]'"), CHECK, "chat_messages_content_encrypted_check"),
    (_message(rf"{ONE_SESSION}, 'assistant', '\x01', '{{}}'"), CHECK, "chat_messages_sources_check"),
    (_message(rf"{ONE_SESSION}, 'assistant', '\x01', '[1]'"), CHECK, "chat_messages_sources_check"),
    (_message(rf"""{ONE_SESSION}, 'assistant', '\x01', '[{{"title": "x"}}]'"""), CHECK, "chat_messages_sources_check"),
    (_message(rf"""{ONE_SESSION}, 'user', '\x01', '[{{"source": "x"}}]'"""), CHECK, "chat_messages_sources_check"),
    # finance_analysis
    (
        f"INSERT INTO {S}.finance_analysis (report_id, working_capital_data, rodtep_benefit_data, gst_refund_data, total_working_capital) "
        f"VALUES ({NO_SUCH}, '{{}}', '{{}}', '{{}}', 0)",
        FK,
        "finance_analysis_report_id_fkey",
    ),
    (f"UPDATE {S}.finance_analysis SET working_capital_data = '[]'", CHECK, "finance_analysis_working_capital_data_check"),
    (f"""UPDATE {S}.finance_analysis SET rodtep_benefit_data = '"x"'""", CHECK, "finance_analysis_rodtep_benefit_data_check"),
    (f"UPDATE {S}.finance_analysis SET gst_refund_data = '1'", CHECK, "finance_analysis_gst_refund_data_check"),
    (f"UPDATE {S}.finance_analysis SET cash_flow_timeline = '{{}}'", CHECK, "finance_analysis_cash_flow_timeline_check"),
    (f"UPDATE {S}.finance_analysis SET total_working_capital = -1", CHECK, "finance_analysis_total_working_capital_check"),
    # logistics_analysis
    (
        f"INSERT INTO {S}.logistics_analysis (report_id, recommended_mode, lcl_fcl_comparison, rms_probability, freight_estimate) "
        f"VALUES ({NO_SUCH}, 'LCL', '{{}}', 0, '{{}}')",
        FK,
        "logistics_analysis_report_id_fkey",
    ),
    (f"UPDATE {S}.logistics_analysis SET recommended_mode = 'rail'", CHECK, "logistics_analysis_recommended_mode_check"),
    (f"UPDATE {S}.logistics_analysis SET lcl_fcl_comparison = '[]'", CHECK, "logistics_analysis_lcl_fcl_comparison_check"),
    (f"UPDATE {S}.logistics_analysis SET rms_probability = 100.5", CHECK, "logistics_analysis_rms_probability_check"),
    (f"UPDATE {S}.logistics_analysis SET freight_estimate = '[]'", CHECK, "logistics_analysis_freight_estimate_check"),
    # user_metrics
    (f"INSERT INTO {S}.user_metrics (user_id) SELECT user_id FROM {S}.user_metrics", UNIQUE, "user_metrics_user_id_key"),
    (f"INSERT INTO {S}.user_metrics (user_id) VALUES ({NO_SUCH})", FK, "user_metrics_user_id_fkey"),
    (f"UPDATE {S}.user_metrics SET documents_generated = -1", CHECK, "user_metrics_counts_check"),
    (f"UPDATE {S}.user_metrics SET time_saved_hours = -1", CHECK, "user_metrics_savings_check"),
]  # fmt: skip


@pytest.fixture
async def populated(edb: Database) -> Database:
    """One user with one completed report and a row in every table, and a stranger."""
    async with edb.transaction() as conn:
        user = await make_user(conn)
        await make_user(conn, "stranger@example.in")
        report = await make_report(conn, user.id)
        await make_everything(conn, user, report)
        await er.upsert_user_metrics(
            conn, user_id=user.id, reports_generated=1, certifications_completed=0,
            documents_generated=1, action_tasks_completed=0, cost_savings=0, time_saved_hours=0,
        )  # fmt: skip
    return edb


def _table_of(constraint: str) -> str:
    return next(t for t in TABLES if constraint.startswith(t + "_"))


@pytest.mark.parametrize("table", TABLES)
async def test_constraints_are_enforced(populated: Database, table: str) -> None:
    """Each case runs in its own transaction on the same populated database (a refused statement
    rolls back, so every case starts from the same rows)."""
    cases = [case for case in CASES if _table_of(case[2]) == table]
    assert cases
    async with populated.transaction() as conn:
        comments = dict(
            await conn.fetch(
                "SELECT c.conname, obj_description(c.oid, 'pg_constraint') FROM pg_constraint AS c "
                "JOIN pg_namespace AS n ON n.oid = c.connamespace WHERE n.nspname = $1",
                S,
            )
        )
    for sql, error, constraint in cases:
        comment = comments.get(constraint)
        assert comment, f"{constraint} has no COMMENT"
        with pytest.raises(error) as info:
            async with populated.transaction() as conn:
                await conn.execute(sql)
        assert type(info.value) is error, sql
        assert info.value.constraint == constraint, sql
        assert info.value.schema == S and info.value.table == table, sql
        assert str(info.value).startswith(comment), sql


async def test_catalog_constraints_are_all_covered(edb: Database) -> None:
    async with edb.transaction() as conn:
        rows = await conn.fetch(
            "SELECT c.conname FROM pg_constraint AS c JOIN pg_namespace AS n "
            "ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.contype <> 'p'",
            S,
        )
    named = {r["conname"] for r in rows}
    # reports_id_user_id_key cannot fail alone (id is the primary key); it backs the composite keys.
    assert named - {c for _, _, c in CASES} == {"reports_id_user_id_key"}
