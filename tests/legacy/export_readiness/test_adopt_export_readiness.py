"""``datalayer adopt --app export_readiness``: ExportSathi's legacy tables (sensitive values in
clear) converted into the export_readiness schema with those values encrypted, nothing lost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import export_readiness_legacy as el
import psycopg
import pytest
from legacy_support import (
    LEGACY_SCHEMA,
    accounted,
    broken_relations,
    datalayer_check,
    one,
    table_digest,
)

from datalayer.adopt import adopt

APP = "export_readiness"
KEY = "adoption-test-key"
#: the application's current key id (not the default '1', so recording it is seen)
KEY_ID = "k7"
KEYRING = f'{{"current": "{KEY_ID}", "keys": {{"{KEY_ID}": "{KEY}"}}}}'
TABLES = {t: t for t in el.TABLES}
RELATIONS = {
    "reports": ("l.user_id = n.user_id",),
    "certification_progress": ("l.user_id = n.user_id", "l.report_id = n.report_id"),
    "generated_documents": ("l.user_id = n.user_id", "l.report_id = n.report_id"),
    "chat_sessions": ("l.user_id = n.user_id", "l.report_id IS NOT DISTINCT FROM n.report_id"),
    "chat_messages": ("l.session_id = n.session_id", "l.sources = n.sources"),
    "users": ("l.password_hash = n.password_hash", "l.profile = n.profile"),
    "action_plan_progress": ("l.user_id = n.user_id", "l.report_id = n.report_id"),
    "finance_analysis": (
        "l.report_id = n.report_id",
        "l.total_working_capital = n.total_working_capital",
    ),
    "logistics_analysis": ("l.report_id = n.report_id", "l.rms_probability = n.rms_probability"),
    "user_metrics": ("l.user_id = n.user_id", "l.cost_savings = n.cost_savings"),
}


@dataclass
class Legacy:
    url: str
    expected: el.Expected


@pytest.fixture
def legacy(
    empty_database_url: str, legacy_rows: int, timings: dict[str, float]
) -> Iterator[Legacy]:
    started = time.perf_counter()
    el.create_schema(empty_database_url, LEGACY_SCHEMA)
    expected = el.generate(empty_database_url, LEGACY_SCHEMA, legacy_rows)
    timings["generate"] = time.perf_counter() - started
    yield Legacy(empty_database_url, expected)


def test_apply_encrypts_what_was_in_clear_and_loses_nothing(
    legacy: Legacy, timings: dict[str, float]
) -> None:
    before = table_digest(legacy.url, LEGACY_SCHEMA, el.TABLES)
    report = adopt(
        legacy.url, APP, LEGACY_SCHEMA, apply=True, encryption_key=KEY, encryption_key_id=KEY_ID
    )
    timings["apply"] = report.seconds
    assert report.accounted
    refused = {t.legacy: t.refused for t in report.tables}
    planted = legacy.expected.planted
    assert (
        refused["users"][
            "profile holds a phone, identity, bank or password value (users_profile_check)"
        ]
        == planted["users: identity number in profile"]
    )
    assert (
        refused["chat_messages"]["role outside user, assistant (chat_messages_role_check)"]
        == (planted["messages: system role"])
    )
    assert (
        refused["generated_documents"][
            "its user is not its report's (generated_documents_report_id_fkey)"
        ]
        == planted["documents: user not the report's"]
    )

    counts = accounted(legacy.url, APP, TABLES)
    for table, (rows, converted, quarantined) in counts.items():
        assert rows == legacy.expected.rows[table], table
        assert converted + quarantined == rows, table
        assert converted > quarantined, table
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        for table in el.TABLES:
            assert one(conn, f"SELECT count(*) FROM export_readiness.{table}") == counts[table][1]
        assert broken_relations(conn, APP, RELATIONS) == dict.fromkeys(RELATIONS, 0)
        # what was in clear is encrypted with the current key and records its id, decrypts
        # (as the application's queries do: export_readiness.decrypt with the keyring) to the
        # legacy value, and the ciphertext does not contain it
        for table, column, key_id, clear in (
            ("users", "phone_encrypted", "phone_key_id", "l.phone"),
            ("generated_documents", "content_encrypted", "content_key_id", "l.content::text"),
            ("chat_messages", "content_encrypted", "content_key_id", "l.content"),
        ):
            assert (
                one(
                    conn,
                    f"""
                SELECT count(*) FROM legacy.{table} AS l
                JOIN export_readiness.{table} AS n ON n.id = l.id
                WHERE export_readiness.decrypt(n.{column}, n.{key_id}, '{KEYRING}')
                      IS DISTINCT FROM {clear}
                   OR public.pgp_sym_decrypt(n.{column}, '{KEY}') IS DISTINCT FROM {clear}
                   OR n.{key_id} IS DISTINCT FROM CASE WHEN {clear} IS NOT NULL THEN '{KEY_ID}' END
                   OR position(convert_to({clear}, 'UTF8') IN n.{column}) > 0""",
                )
                == 0
            ), table
        # every encrypted value is under the one key id, as key rotation counts them
        assert conn.execute(
            "SELECT DISTINCT key_id FROM export_readiness.encryption_key_usage() "
            "WHERE value_count > 0"
        ).fetchall() == [(KEY_ID,)]
        # nothing arrives soft-deleted
        for table in ("users", "reports"):
            assert (
                one(
                    conn,
                    f"SELECT count(*) FROM export_readiness.{table} WHERE deleted_at IS NOT NULL",
                )
                == 0
            )
        audit = one(conn, "SELECT count(*) FROM core.audit_log")
    # the operations check of the converted schema finds nothing (exit 0)
    code, out = datalayer_check(legacy.url, APP)
    assert code == 0, out
    assert table_digest(legacy.url, LEGACY_SCHEMA, el.TABLES) == before

    again = adopt(
        legacy.url, APP, LEGACY_SCHEMA, apply=True, encryption_key=KEY, encryption_key_id=KEY_ID
    )
    assert again.changed == 0
    assert accounted(legacy.url, APP, TABLES) == counts
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert one(conn, "SELECT count(*) FROM core.audit_log") == audit


def test_a_malformed_key_id_is_refused_before_anything_runs(legacy: Legacy) -> None:
    from datalayer.errors import ConfigurationError

    with pytest.raises(ConfigurationError) as caught:
        adopt(
            legacy.url, APP, LEGACY_SCHEMA, apply=True, encryption_key=KEY, encryption_key_id="a b"
        )
    assert caught.value.variable == "DATABASE_ENCRYPTION_KEY_ID"
    assert KEY not in str(caught.value)
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert (
            one(conn, "SELECT count(*) FROM pg_namespace WHERE nspname = 'export_readiness'") == 0
        )
