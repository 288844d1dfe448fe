"""``datalayer adopt --app compliance``: ruleIQ's legacy tables (truncated names, frameworks named
by text, missing constraints) converted into the compliance schema, nothing lost.

Checked in SQL against the legacy tables: converted + quarantined = legacy rows per table; every
relation between converted rows (user, business profile, framework by its old text name,
approver) is the same in the new schema; the truncated columns' values arrive under their full
names; hashes kept; the legacy tables untouched; a second apply writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import compliance_legacy as cl
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

APP = "compliance"
TABLES = {t: t for t in cl.TABLES}
#: the framework a legacy row names by text ('GDPR', 'gdpr', 'ISO 27001' or its id), as the new
#: schema holds it (its own id, or a framework already there under the same code)
FRAMEWORK = (
    "n.framework_id = (SELECT nf.id FROM legacy.compliance_frameworks AS f "
    "JOIN compliance.compliance_frameworks AS nf ON nf.id = f.id "
    "OR regexp_replace(nf.code, '[^a-z0-9]', '', 'g') = regexp_replace(lower(f.name), '[^a-z0-9]', '', 'g') "
    "WHERE lower(f.name) = lower(btrim(l.framework_id)) OR f.id::text = btrim(l.framework_id) "
    "ORDER BY f.id LIMIT 1)"
)
#: a legacy framework converted: its own id, or a framework the schema ships under the same code
#: ignoring punctuation (migration 0030's gdpr, iso27001, soc2, hipaa, pci-dss)
FRAMEWORK_MATCH = {
    "compliance_frameworks": "n.id = l.id OR regexp_replace(n.code, '[^a-z0-9]', '', 'g') "
    "= regexp_replace(lower(l.name), '[^a-z0-9]', '', 'g')"
}
#: the frameworks compliance migration 0030 ships, by code
SHIPPED = {
    "gdpr": "0194a5e0-0000-7000-8000-000000000001",
    "iso27001": "0194a5e0-0000-7000-8000-000000000002",
    "soc2": "0194a5e0-0000-7000-8000-000000000003",
    "hipaa": "0194a5e0-0000-7000-8000-000000000004",
    "pci-dss": "0194a5e0-0000-7000-8000-000000000005",
}
RELATIONS = {
    "business_profiles": (
        "l.user_id = n.user_id",
        "coalesce(l.handles_persona, false) = n.handles_personal_data",
        "coalesce(l.processes_payme, false) = n.processes_payments",
        "coalesce(l.stores_health_d, false) = n.stores_health_data",
        "coalesce(l.provides_financ, false) = n.provides_financial_services",
        "coalesce(l.operates_critic, false) = n.operates_critical_infrastructure",
        "coalesce(l.has_internation, false) = n.has_international_operations",
    ),
    "assessment_sessions": (
        "l.user_id = n.user_id",
        "l.business_profil = n.business_profile_id",
        "coalesce(l.questions_answe, '{}') = n.questions_answered",
        FRAMEWORK,
    ),
    "evidence_items": (
        "l.user_id = n.user_id",
        "l.business_profile_id = n.business_profile_id",
        "l.approved_by IS NOT DISTINCT FROM n.approved_by",
        FRAMEWORK,
    ),
    "generated_policies": (
        "l.user_id = n.user_id",
        "l.business_profil = n.business_profile_id",
        FRAMEWORK,
    ),
    "chat_conversations": (
        "l.user_id = n.user_id",
        "l.business_profile_id IS NOT DISTINCT FROM n.business_profile_id",
        "l.messages = n.messages",
    ),
    "users": ("l.hashed_password = n.hashed_password", "l.email = n.email"),
}


@dataclass
class Legacy:
    url: str
    expected: cl.Expected


@pytest.fixture
def legacy(
    empty_database_url: str, legacy_rows: int, timings: dict[str, float]
) -> Iterator[Legacy]:
    started = time.perf_counter()
    cl.create_schema(empty_database_url, LEGACY_SCHEMA)
    expected = cl.generate(empty_database_url, LEGACY_SCHEMA, legacy_rows)
    timings["generate"] = time.perf_counter() - started
    yield Legacy(empty_database_url, expected)


def test_apply_converts_or_quarantines_every_row_and_keeps_every_relation(
    legacy: Legacy, timings: dict[str, float]
) -> None:
    before = table_digest(legacy.url, LEGACY_SCHEMA, cl.TABLES)
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    timings["apply"] = report.seconds
    assert report.accounted
    refused = {t.legacy: t.refused for t in report.tables}
    planted = legacy.expected.planted
    # each planted defect is refused for its own reason, as often as it was planted
    assert (
        refused["assessment_sessions"][
            "framework names no known framework (assessment_sessions_framework_id_fkey)"
        ]
        == planted["assessment_sessions: unknown framework"]
    )
    assert (
        refused["assessment_sessions"][
            "answers are not a JSON object (assessment_sessions_questions_answered_check)"
        ]
        == planted["assessment_sessions: answers not an object"]
    )
    assert (
        refused["evidence_items"][
            "approval without its time and approver, or the reverse (evidence_items_approval_check)"
        ]
        == planted["evidence_items: approved without approver"]
    )
    assert (
        refused["business_profiles"][
            "employee count not positive (business_profiles_employee_count_check)"
        ]
        == planted["business_profiles: employee count"]
    )
    assert (
        refused["chat_conversations"][
            "messages are not a list of user and assistant turns with text "
            "(chat_conversations_messages_check)"
        ]
        == planted["chat_conversations: unknown message role"]
    )

    counts = accounted(legacy.url, APP, TABLES, FRAMEWORK_MATCH)
    for table, (rows, converted, quarantined) in counts.items():
        assert rows == legacy.expected.rows[table], table
        assert converted + quarantined == rows, table
        assert converted > quarantined, table
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        for table in cl.TABLES:
            assert one(conn, f"SELECT count(*) FROM compliance.{table}") == counts[table][1]
        assert broken_relations(conn, APP, RELATIONS) == dict.fromkeys(RELATIONS, 0)
        # every framework the legacy rows named converted, with its code
        codes = conn.execute(
            "SELECT code FROM compliance.compliance_frameworks ORDER BY code"
        ).fetchall()
        # five legacy frameworks are the shipped ones; Cyber Essentials is copied with its code
        assert [c[0] for c in codes] == [
            "cyber-essentials",
            "gdpr",
            "hipaa",
            "iso27001",
            "pci-dss",
            "soc2",
        ]
        audit = one(conn, "SELECT count(*) FROM core.audit_log")
    # the operations check of the converted schema finds nothing (exit 0)
    code, out = datalayer_check(legacy.url, APP)
    assert code == 0, out
    assert table_digest(legacy.url, LEGACY_SCHEMA, cl.TABLES) == before

    again = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    assert again.changed == 0
    assert accounted(legacy.url, APP, TABLES, FRAMEWORK_MATCH) == counts
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert one(conn, "SELECT count(*) FROM core.audit_log") == audit


def test_a_fixed_framework_name_is_converted_by_the_next_apply(legacy: Legacy) -> None:
    adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        held = one(
            conn,
            "SELECT count(*) FROM compliance_quarantine.assessment_sessions "
            "WHERE lower(row_data->>'framework_id') = 'hippa'",
        )
        assert held == legacy.expected.planted["assessment_sessions: unknown framework"]
        conn.execute(
            "UPDATE legacy.assessment_sessions SET framework_id = 'HIPAA' "
            "WHERE lower(framework_id) = 'hippa'"
        )
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    assert report.accounted and report.changed > 0
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        # none is held for its framework any more (some stay for their quarantined profile)
        assert (
            one(
                conn,
                "SELECT count(*) FROM compliance_quarantine.assessment_sessions "
                "WHERE reason LIKE 'framework names no known framework%'",
            )
            == 0
        )
        assert (
            one(
                conn,
                "SELECT count(*) FROM compliance.assessment_sessions AS s "
                "JOIN compliance.compliance_frameworks AS f ON f.id = s.framework_id "
                "JOIN legacy.assessment_sessions AS l ON l.id = s.id "
                "WHERE l.framework_id = 'HIPAA' AND f.code <> 'hipaa'",
            )
            == 0
        )


def test_the_shipped_frameworks_are_used_not_copied(legacy: Legacy) -> None:
    """The reference frameworks the schema ships (migration 0030: gdpr, iso27001, soc2, hipaa,
    pci-dss) take the legacy rows named GDPR, ISO 27001, SOC 2, HIPAA and PCI DSS: no second copy,
    their ids and texts unchanged, and references point to them."""
    from datalayer import migrate

    migrate.apply(legacy.url, apps=[APP], quiet=True)
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        shipped_before = conn.execute(
            "SELECT f::text FROM compliance.compliance_frameworks AS f ORDER BY id"
        ).fetchall()
    assert len(shipped_before) == len(SHIPPED)
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    assert report.accounted
    frameworks = {t.legacy: t for t in report.tables}["compliance_frameworks"]
    assert frameworks.converted_after == len(cl.FRAMEWORKS) and not frameworks.refused
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        held = dict(
            conn.execute("SELECT code, id::text FROM compliance.compliance_frameworks").fetchall()
        )
        assert held.pop("cyber-essentials") == one(
            conn,
            "SELECT id::text FROM legacy.compliance_frameworks WHERE name = 'Cyber Essentials'",
        )
        assert held == SHIPPED
        assert (
            conn.execute(
                "SELECT f::text FROM compliance.compliance_frameworks AS f "
                "WHERE code <> 'cyber-essentials' ORDER BY id"
            ).fetchall()
            == shipped_before
        )
        assert broken_relations(conn, APP, RELATIONS) == dict.fromkeys(RELATIONS, 0)
        for name, code in (("ISO 27001", "iso27001"), ("PCI DSS", "pci-dss")):
            # every converted evidence item naming the framework refers to the shipped row
            assert (
                one(
                    conn,
                    f"""
                SELECT count(*) FROM legacy.evidence_items AS l
                JOIN compliance.evidence_items AS n ON n.id = l.id
                WHERE lower(l.framework_id) = lower('{name}')
                  AND n.framework_id <> '{SHIPPED[code]}'""",
                )
                == 0
            )
            assert (
                one(
                    conn,
                    "SELECT count(*) FROM compliance.evidence_items "
                    f"WHERE framework_id = '{SHIPPED[code]}'",
                )
                > 0
            )
    assert adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True).changed == 0
