"""Under ``make test-pgbouncer`` (TEST_PGBOUNCER=1) the application tests really go through
PgBouncer; in the ordinary run they really do not."""

from __future__ import annotations

import os

from datalayer import Database


async def test_the_tests_connect_through_pgbouncer_exactly_when_asked(db: Database) -> None:
    through = os.environ.get("TEST_PGBOUNCER", "") in ("1", "true", "yes")
    assert db.behind_pooler is through
    if through:
        assert db.settings.statement_cache_size == 0
