"""datalayer sample: every application's generator loads at scale 1 within its constraints, the
same seed gives the same rows, and the fintech balances are their ledger."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from admin_support import fingerprints, scalar

from datalayer.admin.sample import SampleError, load_sample
from datalayer.apps import registered
from datalayer.cli import main
from datalayer.db import Database
from datalayer.settings import Settings

APPS = sorted(registered())
_counter = itertools.count()


@pytest.fixture
def second_database(pg_server: Any, template_db: str) -> Iterator[str]:
    name = f"sample_{next(_counter)}"
    with pg_server.janitor(name, template_dbname=template_db):
        yield pg_server.url(name)


async def _load(url: str, app: str, seed: int) -> dict[str, int]:
    settings = Settings.load(url=url, pool_size=1, max_overflow=0, command_timeout=None)
    db = await Database.connect(settings)
    async with db, db.transaction(actor="test sample") as conn:
        return await load_sample(conn, app, scale=1, seed=seed)


#: Columns the database stamps at load time (a row moved through its lifecycle by an UPDATE gets
#: updated_at = the transaction's time), left out of the comparison.
LOAD_TIME = {"validation.validation_sessions": ["updated_at"]}


def _app_tables(url: str, app: str) -> dict[str, tuple[int, str]]:
    found = fingerprints(url, [app], LOAD_TIME)
    return {k: v for k, v in found.items() if k.startswith(f"{app}.")}


@pytest.mark.parametrize("app", APPS)
def test_sample_loads_deterministically(app: str, database_url: str, second_database: str) -> None:
    before = _app_tables(database_url, app)
    rows = asyncio.run(_load(database_url, app, seed=7))
    assert rows and all(n > 0 for n in rows.values()), rows
    first = _app_tables(database_url, app)
    for table, n in rows.items():
        assert first[table][0] - before[table][0] == n
    asyncio.run(_load(second_database, app, seed=7))
    assert _app_tables(second_database, app) == first
    # loading over rows is refused, nothing added
    with pytest.raises(SampleError, match="already has rows"):
        asyncio.run(_load(database_url, app, seed=7))
    assert _app_tables(database_url, app) == first


def test_another_seed_gives_other_rows(database_url: str, second_database: str) -> None:
    asyncio.run(_load(database_url, "logistics", seed=1))
    asyncio.run(_load(second_database, "logistics", seed=2))
    assert _app_tables(database_url, "logistics") != _app_tables(second_database, "logistics")


def test_fintech_balances_are_their_ledger(database_url: str) -> None:
    asyncio.run(_load(database_url, "fintech", seed=3))
    off = scalar(database_url, """
        SELECT count(*) FROM fintech.accounts a
        WHERE a.balance <> coalesce((SELECT sum(t.amount) FROM fintech.transactions t
                                     WHERE t.account_id = a.id), 0)""")  # fmt: skip
    unbalanced = scalar(database_url, """
        SELECT count(*) FROM (SELECT posting_id FROM fintech.transactions
                              GROUP BY posting_id, currency HAVING sum(amount) <> 0) p""")  # fmt: skip
    moved = scalar(database_url, "SELECT count(*) FROM fintech.transactions WHERE kind = 'p2p'")
    assert (off, unbalanced) == (0, 0)
    assert moved > 0


def test_sample_command_is_refused_in_production(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATALAYER_ENV", "production")
    assert main(["sample", "--app", "fintech", "--database-url", database_url]) == 2
    assert "refused when DATALAYER_ENV=production" in capsys.readouterr().err
    assert scalar(database_url, "SELECT count(*) FROM fintech.users") == 0
    monkeypatch.setenv("DATALAYER_ENV", "test")
    assert main(["sample", "--app", "fintech", "--database-url", database_url]) == 0
    assert "rows/s" in capsys.readouterr().out
    assert scalar(database_url, "SELECT count(*) FROM fintech.users") == 50


def test_every_apps_sample_passes_the_data_checks(
    second_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sample data is data the checks find nothing in: balances are their ledger, no orphans, no
    row breaking a NOT VALID constraint, no soft delete past its retention."""
    for app in APPS:
        asyncio.run(_load(second_database, app, seed=11))
    capsys.readouterr()
    assert main(["check", "--database-url", second_database]) == 0, capsys.readouterr().out
