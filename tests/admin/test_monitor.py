"""``datalayer monitor``: the sql/ops/ figures as JSON and tables, a blocked backend with its
blocker, a read-only login, and ``--watch`` refreshing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from rls_support import app_url

from datalayer.cli import main


def monitor(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["monitor", "--database-url", url, "--json", *args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict)
    return data


def test_figures_of_a_quiet_database(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = monitor(database_url, capsys)
    assert data["database"] == database_url.rsplit("/", 1)[1]
    states = {s["state"]: s["connections"] for s in data["connections_by_state"]}  # type: ignore[union-attr]
    assert states.get("active", 0) >= 1  # this one
    assert data["long_running"] == [] and data["blocked"] == []
    tables = [f"{t['schema_name']}.{t['table_name']}" for t in data["largest_tables"]]  # type: ignore[union-attr]
    assert len(tables) == 10
    assert data["slow_queries"] is None
    assert "pg_stat_statements" in str(data["slow_queries_note"])
    # the same as tables
    assert main(["monitor", "--database-url", database_url, "--top", "3"]) == 0
    out = capsys.readouterr().out
    for title in ("connections by state", "largest tables", "cache hit ratio", "slow queries"):
        assert title in out


def test_a_blocked_backend_and_its_blocker(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(database_url, autocommit=True) as setup:
        setup.execute("CREATE TABLE public.contended (id int)")
    holder = psycopg.connect(database_url)
    holder.execute("LOCK TABLE public.contended IN ACCESS EXCLUSIVE MODE")
    holder_pid = holder.info.backend_pid
    waiter = psycopg.connect(database_url, autocommit=True)
    waiter_pid = waiter.info.backend_pid
    thread = threading.Thread(
        target=lambda: waiter.execute("SELECT count(*) FROM public.contended"), daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while True:
            data = monitor(database_url, capsys, "--long-seconds", "0.01")
            blocked = data["blocked"]
            assert isinstance(blocked, list)
            if blocked or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        [entry] = blocked
        assert entry["pid"] == waiter_pid
        assert entry["blocking_pids"] == [holder_pid]
        assert entry["blocker_pid"] == holder_pid
        assert entry["blocker_state"] == "idle in transaction"
        assert "LOCK TABLE public.contended" in entry["blocker_query"]
        assert "public.contended" in entry["query"]
        long_pids = {q["pid"] for q in data["long_running"]}  # type: ignore[union-attr]
        assert {holder_pid, waiter_pid} <= long_pids
        states = {s["state"] for s in data["connections_by_state"]}  # type: ignore[union-attr]
        assert "idle in transaction" in states
        # the sizes wait for the exclusive lock: left out after a second, not hanging
        assert data["largest_tables"] == []
        # (the table has no index: the index figures need no lock on it)
        assert data["notes"] == ["table sizes left out: a relation is locked (1s lock wait)"]
    finally:
        holder.rollback()
        thread.join(10)
        holder.close()
        waiter.close()


def test_a_read_only_login_can_monitor(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = monitor(app_url(database_url, "fintech", "readonly"), capsys)
    assert data["connections_by_state"]
    assert data["cache_hit_ratio"] is not None


def test_watch_refreshes_until_interrupted(database_url: str) -> None:
    exe = Path(sys.executable).with_name("datalayer")
    proc = subprocess.Popen(
        [str(exe), "monitor", "--database-url", database_url, "--json", "--watch", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
    )
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if len(lines) == 3:
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    taken = [json.loads(line)["taken_at"] for line in lines]
    assert len(set(taken)) == 3  # three snapshots, one per line
