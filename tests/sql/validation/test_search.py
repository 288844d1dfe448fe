"""Session search against a Python reference on random data: every filter, every whitelisted sort
column in both directions, pages and total counts; soft-deleted sessions never match. Searched as
validation_readonly (every session) and as validation_app acting for one user (only the sessions
that user owns or was given)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from validation_support import ALICE, backdate, finish_session, make_session, uid

from datalayer import Database, errors, validation
from datalayer.validation import SORT_COLUMNS, SessionFilter

OWNERS = [uid("ann"), uid("ben"), uid("cat"), uid("dan")]
EVE = uid("eve")
SOURCES = ["php", "java", "cobol"]
TARGETS = ["python", "go", "node.js"]
STATUSES = ["pending", "processing", "completed", "failed", "cancelled"]
BASE = datetime(2026, 6, 1, tzinfo=UTC)


def reference(
    rows: list[dict[str, Any]], shares: set[tuple[Any, Any]], f: SessionFilter
) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        if r["deleted_at"] is not None:
            continue
        if f.statuses and r["status"] not in f.statuses:
            continue
        if f.source_technology is not None and r["source_technology"] != f.source_technology:
            continue
        if f.target_technology is not None and r["target_technology"] != f.target_technology:
            continue
        if f.created_from is not None and r["created_at"] < f.created_from:
            continue
        if f.created_to is not None and r["created_at"] >= f.created_to:
            continue
        if f.owner_id is not None and r["owner_id"] != f.owner_id:
            continue
        if f.visible_to is not None and not (
            r["owner_id"] == f.visible_to or (r["id"], f.visible_to) in shares
        ):
            continue
        out.append(r)
    return out


def ordered(rows: list[dict[str, Any]], column: str, descending: bool) -> list[dict[str, Any]]:
    # PostgreSQL: ASC puts NULLs last, DESC first; ties broken by id in the same direction.
    key = lambda r: (r[column] is None, r[column] if r[column] is not None else 0, r["id"])  # noqa: E731
    return sorted(rows, key=key, reverse=descending)


def random_filter(rng: random.Random) -> SessionFilter:
    def maybe(value: Any) -> Any:
        return value if rng.random() < 0.35 else None

    start = BASE + timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
    return SessionFilter(
        statuses=maybe(rng.sample(STATUSES, rng.randint(1, 3))),
        source_technology=maybe(rng.choice(SOURCES)),
        target_technology=maybe(rng.choice(TARGETS)),
        created_from=maybe(start),
        created_to=maybe(start + timedelta(days=rng.randint(1, 30))),
        owner_id=maybe(rng.choice(OWNERS)),
        visible_to=maybe(rng.choice([*OWNERS, EVE])),
    )


async def test_search_matches_the_reference_on_random_data(
    vdb: Database, owner_db: Database, readonly_db: Database
) -> None:
    rng = random.Random(20261123)
    ids = []
    owner_of = {}
    for _ in range(150):
        owner = rng.choice(OWNERS)
        async with vdb.transaction(user_id=owner) as conn:
            session = await make_session(
                conn,
                owner_id=owner,
                source_technology=rng.choice(SOURCES),
                target_technology=rng.choice(TARGETS),
            )
            await finish_session(conn, session.id, rng.choice(STATUSES))
        ids.append(session.id)
        owner_of[session.id] = owner
    shares = set()
    for session_id in rng.sample(ids, 40):
        grantee = rng.choice([*OWNERS, EVE])
        async with vdb.transaction(user_id=owner_of[session_id]) as conn:
            await validation.upsert_session_share(
                conn, session_id=session_id, grantee_id=grantee, permission="read", granted_by="x"
            )
        shares.add((session_id, grantee))
    for session_id in rng.sample(ids, 20):
        async with vdb.transaction(user_id=owner_of[session_id]) as conn:
            await validation.update_session_soft_deleted(
                conn, session_id=session_id, deleted_by="tests"
            )
    async with owner_db.transaction() as conn:
        await backdate(
            conn,
            "validation_sessions",
            ids,
            [BASE + timedelta(minutes=rng.randint(0, 60 * 24 * 60)) for _ in ids],
        )
        # Distinct updated_at values too, so that sorting by it is not all ties.
        await conn.execute(
            "UPDATE validation.validation_sessions SET updated_at = created_at + interval '1 hour'"
            " * (extract(epoch FROM created_at)::bigint % 7)"
        )
        rows = [
            dict(r)
            for r in await conn.fetch(
                "SELECT id, owner_id, status, source_technology, target_technology, created_at,"
                " updated_at, finished_at, deleted_at FROM validation.validation_sessions"
            )
        ]

    checked_pages = 0
    for i in range(80):
        f = SessionFilter() if i == 0 else random_filter(rng)
        column = sorted(SORT_COLUMNS)[i % len(SORT_COLUMNS)]
        descending = rng.random() < 0.5
        page_size = rng.choice([1, 7, 25, 200])
        # every other search runs as the service for one user, who sees what they own or were given
        user = rng.choice([*OWNERS, EVE]) if i % 2 else None
        visible = rows if user is None else reference(rows, shares, SessionFilter(visible_to=user))
        expected = ordered(reference(visible, shares, f), column, descending)
        pages = max(1, -(-len(expected) // page_size))
        page = rng.randint(1, pages + 1)  # sometimes one past the end
        database = readonly_db if user is None else vdb
        async with database.transaction(
            isolation="repeatable_read", readonly=True, user_id=user
        ) as conn:
            got = await validation.search_sessions(
                conn,
                f,
                sort_by=column,
                descending=descending,
                page=page,
                page_size=page_size,  # type: ignore[arg-type]
            )
        want = expected[(page - 1) * page_size : page * page_size]
        assert got.total == len(expected), (f, column, user)
        assert [s.id for s in got.items] == [r["id"] for r in want], (f, column, descending, user)
        assert got.pages == -(-len(expected) // page_size)
        checked_pages += bool(want)
    assert checked_pages > 30  # most random searches found something to compare
    assert len(reference(rows, shares, SessionFilter())) == 130


async def test_empty_search_and_empty_statuses(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        empty = await validation.search_sessions(conn)
        assert empty.items == [] and empty.total == 0 and empty.pages == 0
        await make_session(conn)
        everything = await validation.search_sessions(conn, SessionFilter(statuses=[]))
        assert everything.total == 1
        none = await validation.search_sessions(conn, SessionFilter(statuses=["failed"]))
        assert none.total == 0 and none.items == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sort_by": "created_at; DROP TABLE validation.validation_sessions"},
        {"sort_by": "request_data"},
        {"page": 0},
        {"page_size": 0},
        {"page_size": 501},
    ],
)
async def test_unknown_sort_columns_and_bad_pages_are_refused(
    vdb: Database, kwargs: dict[str, Any]
) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        with pytest.raises(errors.QueryParameterError):
            await validation.search_sessions(conn, **kwargs)
        assert (
            await validation.count_sessions_search(
                conn,
                statuses=None,
                source_technology=None,
                target_technology=None,
                created_from=None,
                created_to=None,
                owner_id=None,
                visible_to=None,
            )
            == 0
        )
