"""``datalayer optimize``: VACUUM where dead rows call for it, REINDEX CONCURRENTLY of bloated and
invalid indexes, nothing where nothing is needed; each step with its reason."""

from __future__ import annotations

import json

import psycopg
import pytest

from datalayer.cli import main


def _flush_stats(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    conn.execute("SELECT pg_stat_force_next_flush()")


@pytest.fixture
def churned(database_url: str) -> str:
    """fintech.probe: 20 000 rows written, 90 % deleted (autovacuum off for it), so the table is
    mostly dead rows and its indexes mostly empty pages."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE fintech.probe (id int PRIMARY KEY, v text, grp int)"
            " WITH (autovacuum_enabled = off)"
        )
        conn.execute("CREATE INDEX probe_v_idx ON fintech.probe (v)")
        conn.execute(
            "INSERT INTO fintech.probe SELECT g, md5(g::text), g % 100"
            " FROM generate_series(1, 20000) AS g"
        )
        conn.execute("ANALYZE fintech.probe")
        conn.execute("DELETE FROM fintech.probe WHERE id % 10 <> 0")
        _flush_stats(conn)
    return database_url


def optimize(
    url: str, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[dict[str, object]]]:
    code = main(
        [
            "optimize",
            "--database-url",
            url,
            "--app",
            "fintech",
            "--json",
            "--min-index-pages",
            "8",
            *args,
        ]
    )
    steps = json.loads(capsys.readouterr().out)["steps"]
    return code, [s for s in steps if "probe" in str(s["target"])]


def sizes(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname, pg_relation_size(oid) FROM pg_class"
            " WHERE relname IN ('probe_pkey', 'probe_v_idx')"
        ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def test_dead_rows_and_bloat_are_treated_then_left_alone(
    churned: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sizes(churned)
    code, steps = optimize(churned, capsys, "--dry-run")
    assert code == 0
    table = {s["target"]: s for s in steps}
    assert table["fintech.probe"]["action"] == "VACUUM ANALYZE"
    assert str(table["fintech.probe"]["reason"]).startswith("18000 dead rows")
    assert table["fintech.probe"]["seconds"] is None  # a dry run runs nothing
    assert sizes(churned) == before

    code, steps = optimize(churned, capsys)
    assert code == 0
    table = {s["target"]: s for s in steps}
    assert table["fintech.probe"]["action"] == "VACUUM ANALYZE"
    assert table["fintech.probe"]["statement"] == 'VACUUM (ANALYZE) "fintech"."probe"'
    assert table["fintech.probe"]["seconds"] is not None
    for index in ("fintech.probe_pkey", "fintech.probe_v_idx"):
        assert table[index]["action"] == "REINDEX", table[index]
        assert "bloat" in str(table[index]["reason"])
        assert str(table[index]["statement"]).startswith("REINDEX INDEX CONCURRENTLY")
    after = sizes(churned)
    assert after["probe_v_idx"] < before["probe_v_idx"] / 4
    assert after["probe_pkey"] < before["probe_pkey"] / 4

    # nothing is left to do: every probe object is skipped, with its reason
    with psycopg.connect(churned, autocommit=True) as conn:
        _flush_stats(conn)
    code, steps = optimize(churned, capsys)
    assert code == 0
    assert {s["target"]: s["action"] for s in steps} == {
        "fintech.probe": "skip",
        "fintech.probe_pkey": "skip",
        "fintech.probe_v_idx": "skip",
    }
    assert all("bloat" in str(s["reason"]) for s in steps if "_idx" in str(s["target"]))


def test_an_invalid_index_is_rebuilt(churned: str, capsys: pytest.CaptureFixture[str]) -> None:
    with psycopg.connect(churned, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("CREATE UNIQUE INDEX CONCURRENTLY probe_grp_key ON fintech.probe (grp)")
        conn.execute("DELETE FROM fintech.probe WHERE id > 100")  # the duplicates go
    code, steps = optimize(churned, capsys)
    assert code == 0
    [step] = [s for s in steps if s["target"] == "fintech.probe_grp_key"]
    assert (step["action"], step["reason"]) == ("REINDEX", "INVALID (an index build failed)")
    with psycopg.connect(churned) as conn:
        valid = conn.execute(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'fintech.probe_grp_key'::regclass"
        ).fetchone()
    assert valid == (True,)


def test_a_failing_step_is_reported_and_the_others_run(
    churned: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        psycopg.connect(churned, autocommit=True) as conn,
        pytest.raises(psycopg.errors.UniqueViolation),
    ):
        conn.execute("CREATE UNIQUE INDEX CONCURRENTLY probe_grp_key ON fintech.probe (grp)")
    code, steps = optimize(churned, capsys)
    assert code == 1
    table = {s["target"]: s for s in steps}
    assert "UniqueViolation" in str(table["fintech.probe_grp_key"]["error"])
    assert table["fintech.probe_v_idx"]["error"] is None
    assert table["fintech.probe_v_idx"]["seconds"] is not None


def test_analyze_all_refreshes_unchanged_tables(
    churned: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert optimize(churned, capsys)[0] == 0
    with psycopg.connect(churned, autocommit=True) as conn:
        _flush_stats(conn)
    assert {s["target"]: s["action"] for s in optimize(churned, capsys)[1]}[
        "fintech.probe"
    ] == "skip"
    code, steps = optimize(churned, capsys, "--analyze-all")
    assert code == 0
    [step] = [s for s in steps if s["target"] == "fintech.probe"]
    assert (step["action"], step["reason"]) == ("ANALYZE", "every table asked for (--analyze-all)")
    assert step["seconds"] is not None
