"""Every named constraint of export_readiness violated once: the mapped error class, the
constraint name, and the human message taken from the constraint's COMMENT. The rows are made by
export_readiness_app acting for the user; the violating statements run on the owner's side, since
most of them write columns the application role may not write at all. Bad input: NaN and Infinity
in every numeric column, money with more than 4 decimals (through the query functions, as the
application), and a length limit on every text column, stated in its COMMENT."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from export_readiness_support import TABLES, act_as, make_everything, make_report, make_user

from datalayer import Database, errors
from datalayer import export_readiness as er

S = "export_readiness"
ONE_SESSION = f"(SELECT id FROM {S}.chat_sessions LIMIT 1)"
STRANGER = f"(SELECT id FROM {S}.users WHERE email = 'stranger@example.in')"
NO_SUCH = "'00000000-0000-7000-8000-000000000000'::uuid"


def _message(sql_values: str, key_id: str = ", '1'") -> str:
    return (
        f"INSERT INTO {S}.chat_messages (session_id, role, content_encrypted, sources, "
        f"content_key_id) SELECT {sql_values}{key_id}"
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
    (f"UPDATE {S}.users SET password_hash = '$argon2id$v=19$m=65536,t=3,p=4$' || repeat('a', 200) || '$' || repeat('b', 50)", CHECK, "users_password_hash_length_check"),
    (f"UPDATE {S}.users SET phone_encrypted = decode(repeat('00', 513), 'hex')", CHECK, "users_phone_encrypted_length_check"),
    (f"""UPDATE {S}.users SET profile = '{{"pan": "ABCDE1234F"}}'""", CHECK, "users_profile_check"),
    (f"UPDATE {S}.users SET phone_key_id = 'key 2'", CHECK, "users_phone_key_id_check"),
    (f"UPDATE {S}.users SET phone_key_id = NULL", CHECK, "users_phone_key_id_check"),
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
    (f"UPDATE {S}.reports SET hs_code_confidence = 'NaN'", CHECK, "reports_hs_code_confidence_check"),
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
    (f"UPDATE {S}.reports SET estimated_cost = 'NaN'", CHECK, "reports_estimated_cost_finite_check"),
    (f"UPDATE {S}.reports SET estimated_cost = 'Infinity'", CHECK, "reports_estimated_cost_finite_check"),
    (f"UPDATE {S}.reports SET estimated_cost = 1.00001", CHECK, "reports_estimated_cost_scale_check"),
    (f"UPDATE {S}.reports SET estimated_cost = 1e15", CHECK, "reports_estimated_cost_scale_check"),
    (f"UPDATE {S}.reports SET product_description = repeat('x', 4001)", CHECK, "reports_product_description_length_check"),
    (f"UPDATE {S}.reports SET ingredients = repeat('x', 4001)", CHECK, "reports_ingredients_length_check"),
    (f"UPDATE {S}.reports SET product_image_url = 'https://' || repeat('x', 2041)", CHECK, "reports_product_image_url_length_check"),
    (f"UPDATE {S}.reports SET status = 'failed', failure_reason = repeat('x', 2001)", CHECK, "reports_failure_reason_length_check"),
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
    (f"UPDATE {S}.certification_progress SET estimated_cost = 'NaN'", CHECK, "certification_progress_estimated_cost_finite_check"),
    (f"UPDATE {S}.certification_progress SET estimated_cost = 0.00001", CHECK, "certification_progress_estimated_cost_scale_check"),
    (f"UPDATE {S}.certification_progress SET notes = repeat('x', 4001)", CHECK, "certification_progress_notes_length_check"),
    (f"UPDATE {S}.certification_progress SET completed_at = now()", CHECK, "certification_progress_completed_at_check"),
    (f"UPDATE {S}.certification_progress SET status = 'in_progress'", CHECK, "certification_progress_started_at_check"),
    # generated_documents
    (f"UPDATE {S}.generated_documents SET user_id = {STRANGER}", FK, "generated_documents_report_id_fkey"),
    (f"UPDATE {S}.generated_documents SET document_type = 'invoice'", CHECK, "generated_documents_document_type_check"),
    (rf"UPDATE {S}.generated_documents SET content_encrypted = '\x'", CHECK, "generated_documents_content_encrypted_check"),
    (f"UPDATE {S}.generated_documents SET validation_status = 'ok', validated_at = now()", CHECK, "generated_documents_validation_status_check"),
    (f"UPDATE {S}.generated_documents SET validation_results = '[]'", CHECK, "generated_documents_validation_results_check"),
    (f"UPDATE {S}.generated_documents SET validated_at = now()", CHECK, "generated_documents_validated_at_check"),
    (f"UPDATE {S}.generated_documents SET content_encrypted = decode(repeat('00', 1048577), 'hex')", CHECK, "generated_documents_content_encrypted_length_check"),
    (f"UPDATE {S}.generated_documents SET content_key_id = ''", CHECK, "generated_documents_content_key_id_check"),
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
    (f"UPDATE {S}.action_plan_progress SET task_description = repeat('x', 2001)", CHECK, "action_plan_progress_task_description_length_check"),
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
    (_message(rf"{ONE_SESSION}, 'user', decode(repeat('00', 65537), 'hex'), '[]'"), CHECK, "chat_messages_content_encrypted_length_check"),
    (_message(rf"{ONE_SESSION}, 'user', '\x01', '[]'", ", 'k/2'"), CHECK, "chat_messages_content_key_id_check"),
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
    (f"UPDATE {S}.finance_analysis SET total_working_capital = 'NaN'", CHECK, "finance_analysis_total_working_capital_finite_check"),
    (f"UPDATE {S}.finance_analysis SET total_working_capital = 10.12345", CHECK, "finance_analysis_total_working_capital_scale_check"),
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
    (f"UPDATE {S}.logistics_analysis SET rms_probability = 'NaN'", CHECK, "logistics_analysis_rms_probability_check"),
    (f"UPDATE {S}.logistics_analysis SET freight_estimate = '[]'", CHECK, "logistics_analysis_freight_estimate_check"),
    # user_metrics
    (f"INSERT INTO {S}.user_metrics (user_id) SELECT user_id FROM {S}.user_metrics", UNIQUE, "user_metrics_user_id_key"),
    (f"INSERT INTO {S}.user_metrics (user_id) VALUES ({NO_SUCH})", FK, "user_metrics_user_id_fkey"),
    (f"UPDATE {S}.user_metrics SET documents_generated = -1", CHECK, "user_metrics_counts_check"),
    (f"UPDATE {S}.user_metrics SET time_saved_hours = -1", CHECK, "user_metrics_savings_check"),
    (f"UPDATE {S}.user_metrics SET cost_savings = 'NaN'", CHECK, "user_metrics_cost_savings_finite_check"),
    (f"UPDATE {S}.user_metrics SET cost_savings = 'Infinity'", CHECK, "user_metrics_cost_savings_finite_check"),
    (f"UPDATE {S}.user_metrics SET cost_savings = 0.12345", CHECK, "user_metrics_cost_savings_scale_check"),
    (f"UPDATE {S}.user_metrics SET time_saved_hours = 'NaN'", CHECK, "user_metrics_time_saved_hours_finite_check"),
]  # fmt: skip


@pytest.fixture
async def populated(edb: Database, owner_db: Database) -> Database:
    """One user with one completed report and a row in every table, and a stranger; returns the
    owner's side, where the violating statements run."""
    async with edb.transaction() as conn:
        user = await make_user(conn)
        await make_user(conn, "stranger@example.in")
        await act_as(conn, user.id)
        report = await make_report(conn, user.id)
        await make_everything(conn, user, report)
        await er.upsert_user_metrics(
            conn, user_id=user.id, reports_generated=1, certifications_completed=0,
            documents_generated=1, action_tasks_completed=0, cost_savings=0, time_saved_hours=0,
        )  # fmt: skip
    await owner_db.refresh_catalog()
    return owner_db


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


_LIMIT = re.compile(r"\b(?:at most|exactly) (\d+) (characters|bytes)\b")


async def test_every_text_column_has_a_stated_limit_that_holds(populated: Database) -> None:
    """Catalog-driven: every text and bytea column is either an enumeration (a CHECK listing its
    values) or states its limit in its COMMENT ("at most N characters" / "bytes"); writing N + 1
    is refused by a CHECK on that column."""
    async with populated.transaction() as conn:
        columns = await conn.fetch(
            """
            SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, NULL) AS type,
                   col_description(c.oid, a.attnum) AS comment,
                   EXISTS (SELECT FROM pg_constraint AS k WHERE k.conrelid = c.oid AND k.contype = 'c'
                           AND k.conkey = ARRAY[a.attnum] AND pg_get_constraintdef(k.oid) LIKE '%= ANY (ARRAY[%')
                       AS enumerated
            FROM pg_attribute AS a
            JOIN pg_class AS c ON c.oid = a.attrelid
            WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r' AND a.attnum > 0
                AND NOT a.attisdropped AND a.atttypid IN ('text'::regtype, 'bytea'::regtype)
            ORDER BY 1, 2
            """,
            S,
        )
    assert len(columns) == 34
    checked = []
    for c in columns:
        if c["enumerated"]:
            continue
        found = _LIMIT.search(c["comment"] or "")
        assert found, f"{c['tbl']}.{c['col']}: no limit in its COMMENT"
        limit, unit = int(found.group(1)), found.group(2)
        assert unit == ("bytes" if c["type"] == "bytea" else "characters"), c["col"]
        value = (
            f"decode(repeat('00', {limit + 1}), 'hex')"
            if c["type"] == "bytea"
            else f"repeat('x', {limit + 1})"
        )
        statement = f"UPDATE {S}.{c['tbl']} SET {c['col']} = {value}"
        if c["tbl"] == "chat_messages" and c["col"] == "content_key_id":
            statement = _message(rf"{ONE_SESSION}, 'user', '\x01', '[]'", f", {value}")
        elif c["tbl"] == "chat_messages":  # append-only: a new message instead
            statement = _message(f"{ONE_SESSION}, 'user', {value}, '[]'")
        with pytest.raises(errors.CheckViolation) as info:
            async with populated.transaction() as conn:
                await conn.execute(statement)
        assert c["col"] in info.value.columns, (c["tbl"], c["col"], info.value.constraint)
        checked.append(f"{c['tbl']}.{c['col']}")
    assert len(checked) == 23  # the other 11 are enumerations


async def test_every_numeric_column_refuses_nan_and_infinity(populated: Database) -> None:
    """Catalog-driven: NaN (which sorts above every number, so `>= 0` lets it in), Infinity and
    -Infinity are refused in every numeric column: by a CHECK on it, or by its type modifier
    (numeric(p, s) cannot hold an infinity)."""
    async with populated.transaction() as conn:
        columns = await conn.fetch(
            "SELECT c.relname AS tbl, a.attname AS col FROM pg_attribute AS a "
            "JOIN pg_class AS c ON c.oid = a.attrelid WHERE c.relnamespace = $1::regnamespace "
            "AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
            "AND a.atttypid = 'numeric'::regtype ORDER BY 1, 2",
            S,
        )
    assert len(columns) == 7
    for c in columns:
        for value in ("NaN", "Infinity", "-Infinity"):
            with pytest.raises((errors.CheckViolation, errors.DataError)) as info:
                async with populated.transaction() as conn:
                    await conn.execute(f"UPDATE {S}.{c['tbl']} SET {c['col']} = '{value}'")
            if value == "NaN":
                assert isinstance(info.value, errors.CheckViolation), (c["tbl"], c["col"])
                assert c["col"] in info.value.columns, (c["tbl"], c["col"])


async def test_money_with_more_than_4_decimals_is_refused_not_rounded(edb: Database) -> None:
    """Each money column, through the query function that writes it, as the application."""
    five = Decimal("1500.00001")
    async with edb.transaction() as conn:
        user = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        report = await make_report(conn, user.id, hs_code=None)
    attempts: list[tuple[str, Any]] = [
        (
            "reports_estimated_cost_scale_check",
            lambda conn: er.update_report_completed(
                conn,
                report_id=report.id,
                hs_code="09103030",
                hs_code_confidence=None,
                risk_score=10,
                report_data={},
                estimated_cost=five,
                estimated_timeline_days=None,
            ),
        ),
        (
            "certification_progress_estimated_cost_scale_check",
            lambda conn: er.create_certification_progress(
                conn,
                user_id=user.id,
                report_id=report.id,
                certification_id="fda",
                certification_name="FDA",
                estimated_cost=five,
            ),
        ),
        (
            "finance_analysis_total_working_capital_scale_check",
            lambda conn: er.create_finance_analysis(
                conn,
                report_id=report.id,
                user_id=user.id,
                working_capital_data={},
                rodtep_benefit_data={},
                gst_refund_data={},
                cash_flow_timeline=[],
                total_working_capital=five,
            ),
        ),
        (
            "user_metrics_cost_savings_scale_check",
            lambda conn: er.upsert_user_metrics(
                conn,
                user_id=user.id,
                reports_generated=0,
                certifications_completed=0,
                documents_generated=0,
                action_tasks_completed=0,
                cost_savings=five,
                time_saved_hours=Decimal(0),
            ),
        ),
    ]
    for constraint, call in attempts:
        with pytest.raises(errors.CheckViolation) as info:
            async with edb.transaction(user_id=user.id) as conn:
                await call(conn)
        assert info.value.constraint == constraint
    with pytest.raises(errors.CheckViolation) as info:
        async with edb.transaction(user_id=user.id) as conn:
            await er.upsert_user_metrics(
                conn, user_id=user.id, reports_generated=0, certifications_completed=0,
                documents_generated=0, action_tasks_completed=0, cost_savings=Decimal("NaN"),
                time_saved_hours=Decimal(0),
            )  # fmt: skip
    assert info.value.constraint == "user_metrics_cost_savings_finite_check"
    async with edb.transaction(user_id=user.id) as conn:  # 4 decimals are kept exactly
        kept = await er.create_finance_analysis(
            conn, report_id=report.id, user_id=user.id, working_capital_data={},
            rodtep_benefit_data={}, gst_refund_data={}, cash_flow_timeline=[],
            total_working_capital=Decimal("123456789012345.1234"),
        )  # fmt: skip
        assert kept is not None
        assert kept.total_working_capital == Decimal("123456789012345.1234")
