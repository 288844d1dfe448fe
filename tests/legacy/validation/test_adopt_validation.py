"""``datalayer adopt --app validation``: the validation system's SQLite-era tables (UUIDs and JSON
kept as text, the owner inside user_context, the processing log as a JSON list in the session
row, dates as strings, no foreign keys) converted into the validation schema, nothing lost."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
import validation_legacy as vl
from legacy_support import LEGACY_SCHEMA, datalayer_check, one, table_digest
from psycopg import sql

from datalayer.adopt import adopt

APP = "validation"


@dataclass
class Legacy:
    url: str
    expected: vl.Expected


@pytest.fixture
def legacy(
    empty_database_url: str, legacy_rows: int, timings: dict[str, float]
) -> Iterator[Legacy]:
    started = time.perf_counter()
    vl.create_schema(empty_database_url, LEGACY_SCHEMA)
    expected = vl.generate(empty_database_url, LEGACY_SCHEMA, legacy_rows)
    timings["generate"] = time.perf_counter() - started
    yield Legacy(empty_database_url, expected)


def _accounted(url: str) -> dict[str, tuple[int, int, int]]:
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table in vl.TABLES:
            row = conn.execute(
                sql.SQL(
                    "SELECT (SELECT count(*) FROM {l}), "
                    "(SELECT count(*) FROM {l} AS l WHERE EXISTS "
                    "(SELECT FROM {n} AS n WHERE n.id::text = lower(l.id))), "
                    "(SELECT count(*) FROM {q})"
                ).format(
                    l=sql.Identifier(LEGACY_SCHEMA, table),
                    n=sql.Identifier(APP, table),
                    q=sql.Identifier(f"{APP}_quarantine", table),
                )
            ).fetchone()
            assert row is not None
            out[table] = (int(row[0]), int(row[1]), int(row[2]))
    return out


def test_apply_parses_the_text_columns_and_loses_nothing(
    legacy: Legacy, timings: dict[str, float]
) -> None:
    before = table_digest(legacy.url, LEGACY_SCHEMA, vl.TABLES)
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    timings["apply"] = report.seconds
    assert report.accounted
    refused = {t.legacy: t.refused for t in report.tables}
    planted = legacy.expected.planted
    sessions = refused["validation_sessions"]
    assert sessions["id is not a UUID"] == planted["sessions: id not a UUID"]
    assert (
        sessions["request data is not a JSON object (validation_sessions_request_data_check)"]
        == planted["sessions: request data not JSON"]
    )
    assert (
        sessions[
            "no owner: user_context holds no user_id that is a UUID (validation_sessions owner_id)"
        ]
        == planted["sessions: no owner"]
    )
    assert (
        refused["validation_metrics"]["metric date is not a day that exists (YYYY-MM-DD)"]
        == (planted["metrics: date that does not exist"])
    )

    counts = _accounted(legacy.url)
    for table, (rows, converted, quarantined) in counts.items():
        assert rows == legacy.expected.rows[table], table
        assert converted + quarantined == rows, table
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        for table in vl.TABLES:
            assert one(conn, f"SELECT count(*) FROM validation.{table}") == counts[table][1]
        # relations, the owner, the final state and the soft delete
        for child, column, legacy_column in (
            ("validation_results", "session_id", "session_id"),
            ("discrepancies", "result_id", "result_id"),
            ("behavioral_test_results", "session_id", "session_id"),
        ):
            assert (
                one(
                    conn,
                    f"""
                SELECT count(*) FROM legacy.{child} AS l
                JOIN validation.{child} AS n ON n.id::text = lower(l.id)
                WHERE n.{column}::text <> lower(l.{legacy_column})""",
                )
                == 0
            ), child
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM legacy.validation_sessions AS l
            JOIN validation.validation_sessions AS n ON n.id::text = lower(l.id)
            WHERE n.owner_id::text <> l.user_context::jsonb ->> 'user_id'
               OR n.status <> l.status
               OR n.request_data <> l.request_data::jsonb
               OR n.response_data IS DISTINCT FROM l.result_data::jsonb
               OR (n.deleted_at IS NOT NULL) <> l.is_deleted
               OR n.finished_at IS DISTINCT FROM l.completed_at AT TIME ZONE 'UTC'""",
            )
            == 0
        )
        # every processing-log entry of a converted session is one session_logs row
        assert one(
            conn,
            """
            SELECT sum(json_array_length(l.processing_log::json)) FROM legacy.validation_sessions AS l
            WHERE EXISTS (SELECT FROM validation.validation_sessions AS n
                          WHERE n.id::text = lower(l.id))""",
        ) == one(conn, "SELECT count(*) FROM validation.session_logs")
        # durations survive the change from seconds to start and finish
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM legacy.behavioral_test_results AS l
            JOIN validation.behavioral_test_results AS n ON n.id::text = lower(l.id)
            WHERE n.execution_time_ms <> round(l.execution_time * 1000)""",
            )
            == 0
        )
        audit = one(conn, "SELECT count(*) FROM core.audit_log")
        logs = one(conn, "SELECT count(*) FROM validation.session_logs")
    # the operations check of the converted schema finds one thing only: the legacy sessions
    # soft-deleted longer ago than the retention period (carried over with their deletion time),
    # which the application's purge removes once the legacy tables are dropped (below)
    code, out = datalayer_check(legacy.url, APP, "--json")
    assert code == 1, out
    findings = [(f["check"], f["subject"]) for f in json.loads(out)["findings"]]
    assert findings == [("expired_soft_deletes", "validation.validation_sessions")]
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        expired = one(
            conn,
            "SELECT count(*) FROM validation.validation_sessions "
            "WHERE deleted_at < now() - interval '30 days'",
        )
        assert expired == one(
            conn,
            "SELECT count(*) FROM legacy.validation_sessions AS l "
            "JOIN validation.validation_sessions AS n ON n.id::text = lower(l.id) "
            "WHERE l.is_deleted AND coalesce(l.deleted_at, l.updated_at, l.created_at) "
            "< (now() AT TIME ZONE 'UTC') - interval '30 days'",
        )
        assert isinstance(expired, int) and expired > 0
    assert table_digest(legacy.url, LEGACY_SCHEMA, vl.TABLES) == before

    again = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    assert again.changed == 0
    assert _accounted(legacy.url) == counts
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert one(conn, "SELECT count(*) FROM core.audit_log") == audit
        assert one(conn, "SELECT count(*) FROM validation.session_logs") == logs


def test_a_session_given_its_owner_converts_with_its_children(legacy: Legacy) -> None:
    adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT legacy_key FROM validation_quarantine.validation_sessions "
            "WHERE reason LIKE 'no owner%' ORDER BY legacy_key LIMIT 1"
        ).fetchone()
        assert row is not None
        session = str(row[0])
        conn.execute(
            "UPDATE legacy.validation_sessions SET user_context = "
            '\'{"user_id": "0190b4c2-7a7e-7000-8000-000000000001"}\' WHERE id = %s',
            (session,),
        )
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    assert report.accounted and report.changed > 0
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert (
            one(
                conn,
                f"SELECT owner_id::text FROM validation.validation_sessions WHERE id = '{session}'",
            )
            == "0190b4c2-7a7e-7000-8000-000000000001"
        )
        assert (
            one(
                conn,
                "SELECT count(*) FROM validation_quarantine.behavioral_test_results "
                f"WHERE row_data->>'session_id' = '{session}'",
            )
            == 0
        )


def test_after_drop_legacy_the_purge_leaves_check_nothing_to_report(legacy: Legacy) -> None:
    """The runbook's order for validation: apply, drop legacy (every row accounted for), purge
    the sessions soft-deleted past the retention period, then check exits 0. (A purge before
    dropping would leave legacy rows neither converted nor quarantined: the drop is refused.)"""
    from datalayer.cli import main

    assert adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True).accounted
    assert datalayer_check(legacy.url, APP)[0] == 1
    assert (
        main(
            [
                "adopt",
                "--app",
                APP,
                "--from",
                LEGACY_SCHEMA,
                "--database-url",
                legacy.url,
                "--drop-legacy",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "validation",
                "cleanup",
                "--database-url",
                legacy.url,
                "--days-old",
                "36500",
                "--purge",
            ]
        )
        == 0
    )
    code, out = datalayer_check(legacy.url, APP)
    assert code == 0, out
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        # only the expired soft deletes went; live sessions and recent deletions stay
        assert one(conn, "SELECT count(*) FROM validation.validation_sessions") > 0
        assert (
            one(
                conn,
                "SELECT count(*) FROM validation.validation_sessions "
                "WHERE deleted_at < now() - interval '30 days'",
            )
            == 0
        )
