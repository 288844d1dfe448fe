"""Scale-out figures on real processes: PgBouncer (transaction mode) against a direct connection,
and a streaming replica's reads under concurrent writes.

    make bench-scaleout            # or part of `make bench`
    .venv/bin/python bench/scaleout.py [--quick] [--write BENCHMARKS-scaleout.md]

Starts its own primary (on tmpfs, fsync and synchronous_commit as PostgreSQL ships them), a hot
standby of it (``pg_basebackup -R``) and a PgBouncer in front of the primary, then measures:

* **pk lookup**: one primary-key SELECT per call through ``db.call``, as one client in a loop:
  direct with the statement cache (the default), direct without it, and through PgBouncer without
  it (what transaction pooling on PgBouncer 1.18 requires). Rounds alternate the variants so noise
  hits them alike; median, min and max of the per-call time over the rounds.
* **replica reads under writes**: writer tasks insert rows in transactions on the primary while
  reader tasks run ``db.read`` pk lookups on the replica (reads per second, and how many fell back
  to the primary); then write-then-read pairs (read-your-writes): the time a read waited for the
  replica to replay its own write, and how many gave up and read from the primary. The replica's
  replay lag is sampled from ``db.health()`` during the load.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from datalayer import Database  # noqa: E402
from datalayer.devdb import Bouncer, Cluster  # noqa: E402
from datalayer.queries import Connection  # noqa: E402
from datalayer.settings import Settings  # noqa: E402

ROWS = 10_000
LOGIN = "bench_app"


async def lookup(conn: Connection, *, account_id: uuid.UUID) -> object:
    return await conn.fetchrow(
        "SELECT id, owner, balance, name FROM bench_account WHERE id = $1", account_id
    )


async def insert(conn: Connection, *, owner: int) -> uuid.UUID:
    account_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO bench_account VALUES ($1, $2, 0, 'written under load')", account_id, owner
    )
    return account_id


def _setup(primary: Cluster) -> list[uuid.UUID]:
    with psycopg.connect(primary.url(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {LOGIN} LOGIN")
        conn.execute(
            "CREATE TABLE bench_account (id uuid PRIMARY KEY, owner int NOT NULL,"
            " balance numeric(19, 4) NOT NULL, name text NOT NULL)"
        )
        conn.execute(
            "INSERT INTO bench_account SELECT gen_random_uuid(), g %% 100, g, 'account ' || g"
            " FROM generate_series(1, %s) AS g",
            (ROWS,),
        )
        conn.execute("VACUUM ANALYZE bench_account")
        conn.execute(f"GRANT SELECT, INSERT ON bench_account TO {LOGIN}")
        rows = conn.execute("SELECT id FROM bench_account").fetchall()
    return [r[0] for r in rows]


async def _per_call(db: Database, ids: list[uuid.UUID], calls: int) -> float:
    """Microseconds per pk lookup, one client in a loop."""
    started = time.perf_counter()
    for i in range(calls):
        await db.call(lookup, account_id=ids[i % len(ids)])
    return (time.perf_counter() - started) / calls * 1e6


async def bench_pgbouncer(
    primary: Cluster, bouncer: Bouncer, ids: list[uuid.UUID], rounds: int, calls: int
) -> list[tuple[str, float, float, float]]:
    direct = f"postgresql://{LOGIN}@127.0.0.1:{primary.port}/{primary.dbname}"
    pooled = bouncer.url(primary.dbname, LOGIN)
    variants: dict[str, Settings] = {
        "direct, statement cache 100": Settings.load(url=direct, pool_size=1, max_overflow=0),
        "direct, statement cache 0": Settings.load(
            url=direct, pool_size=1, max_overflow=0, statement_cache_size=0
        ),
        "PgBouncer 1.18 transaction mode, cache 0": Settings.load(
            url=pooled, pool_size=1, max_overflow=0, statement_cache_size=0
        ),
    }
    dbs = {name: await Database.connect(s) for name, s in variants.items()}
    times: dict[str, list[float]] = {name: [] for name in dbs}
    try:
        for db in dbs.values():
            await _per_call(db, ids, calls // 4)  # warm up
        for _ in range(rounds):
            for name, db in dbs.items():
                times[name].append(await _per_call(db, ids, calls))
    finally:
        for db in dbs.values():
            await db.close()
    return [(name, statistics.median(ts), min(ts), max(ts)) for name, ts in times.items()]


async def bench_replica(
    primary: Cluster, replica: Cluster, ids: list[uuid.UUID], seconds: float
) -> dict[str, float]:
    settings = Settings.load(
        url=f"postgresql://{LOGIN}@127.0.0.1:{primary.port}/{primary.dbname}",
        read_urls=f"postgresql://{LOGIN}@127.0.0.1:{replica.port}/{replica.dbname}",
        pool_size=12,
        max_overflow=0,
        read_wait=1.0,
    )
    out: dict[str, float] = {}
    async with await Database.connect(settings) as db:
        router = db.router
        assert router is not None
        stop = asyncio.Event()
        writes = 0
        reads = 0
        lag_seconds: list[float] = []
        lag_bytes: list[float] = []

        async def writer(n: int) -> None:
            nonlocal writes
            while not stop.is_set():
                async with db.transaction() as conn:
                    await insert(conn, owner=n)
                writes += 1

        async def reader(n: int) -> None:
            nonlocal reads
            i = n
            while not stop.is_set():
                await db.read(lookup, account_id=ids[i % len(ids)])
                reads += 1
                i += 7

        async def sampler() -> None:
            while not stop.is_set():
                health = await db.health()
                for r in health.database.replicas:
                    if r.lag_seconds is not None:
                        lag_seconds.append(r.lag_seconds)
                    if r.lag_bytes is not None:
                        lag_bytes.append(r.lag_bytes)
                await asyncio.sleep(0.05)

        async def run(tasks: list[Callable[[], Awaitable[None]]], duration: float) -> None:
            stop.clear()
            running = [asyncio.create_task(t()) for t in tasks]
            await asyncio.sleep(duration)
            stop.set()
            await asyncio.gather(*running)

        # Reads on the replica while four writers load the primary.
        fallbacks = router.stats.primary_fallbacks
        await run(
            [
                *(lambda n=n: writer(n) for n in range(4)),
                *(lambda n=n: reader(n) for n in range(4)),
                sampler,
            ],
            seconds,
        )
        out["writes per second (4 writers)"] = writes / seconds
        out["replica reads per second (4 readers)"] = reads / seconds
        out["reads that fell back to the primary"] = router.stats.primary_fallbacks - fallbacks
        out["replay lag, median (ms)"] = statistics.median(lag_seconds) * 1000
        out["replay lag, max (ms)"] = max(lag_seconds) * 1000
        out["bytes behind, median"] = statistics.median(lag_bytes)

        # Read-your-writes: each task writes, then reads its write at once, under the same load.
        waits: list[float] = []
        gave_up = 0

        async def pair(n: int) -> None:
            nonlocal gave_up
            while not stop.is_set():
                async with db.transaction() as conn:
                    account_id = await insert(conn, owner=n)
                before_fallbacks = router.stats.primary_fallbacks
                started = time.perf_counter()
                row = await db.read(lookup, account_id=account_id)
                assert row is not None, "read-your-writes missed a write"
                waits.append(time.perf_counter() - started)
                if router.stats.primary_fallbacks > before_fallbacks:
                    gave_up += 1

        waits_before, waited_before = router.stats.waits, router.stats.wait_seconds
        await run(
            [*(lambda n=n: writer(n) for n in range(2)), *(lambda n=n: pair(n) for n in range(4))],
            seconds,
        )
        waited = router.stats.waits - waits_before
        waits.sort()
        out["read-your-writes reads"] = len(waits)
        out["read-your-writes read, median (ms)"] = statistics.median(waits) * 1000
        out["read-your-writes read, p95 (ms)"] = waits[int(len(waits) * 0.95)] * 1000
        out["read-your-writes reads that found the replica behind and waited"] = waited
        out["wait for the replica to replay, mean of those (ms)"] = (
            (router.stats.wait_seconds - waited_before) / waited * 1000 if waited else 0.0
        )
        out["read-your-writes reads on the primary after DATABASE_READ_WAIT"] = gave_up
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls and shorter loads")
    parser.add_argument("--write", type=Path, help="also write the report (markdown) to this file")
    args = parser.parse_args()
    rounds, calls, seconds = (5, 500, 2.0) if args.quick else (9, 2000, 5.0)

    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    primary = Cluster(Path(tempfile.mkdtemp(prefix="dl-bench-primary-", dir=base)), "bench")
    replica: Cluster | None = None
    bouncer: Bouncer | None = None
    try:
        primary.up()
        ids = _setup(primary)
        replica = primary.replica(Path(tempfile.mkdtemp(prefix="dl-bench-replica-", dir=base)))
        replica.up()
        bouncer = Bouncer(
            Path(tempfile.mkdtemp(prefix="dl-bench-bouncer-", dir=base)), primary.port
        )
        bouncer.up()
        lookups = asyncio.run(bench_pgbouncer(primary, bouncer, ids, rounds, calls))
        replica_figures = asyncio.run(bench_replica(primary, replica, ids, seconds))
    finally:
        if bouncer is not None:
            bouncer.destroy()
        if replica is not None:
            replica.destroy()
        primary.destroy()

    base_median = lookups[1][1]
    lines = [
        "## Scale-out (bench/scaleout.py)",
        "",
        f"pk lookup through `db.call`, one client, {rounds} rounds of {calls} calls (µs per call):",
        "",
        "| variant | median | min | max | vs direct, cache 0 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, median, low, high in lookups:
        lines.append(
            f"| {name} | {median:.1f} | {low:.1f} | {high:.1f} | "
            f"{median - base_median:+.1f} µs ({median / base_median:.2f}x) |"
        )
    lines += [
        "",
        f"Streaming replica under write load ({seconds:g} s per phase):",
        "",
        "| figure | value |",
        "|---|---:|",
    ]
    for name, value in replica_figures.items():
        shown = f"{value:.0f}" if value >= 100 or float(value).is_integer() else f"{value:.2f}"
        lines.append(f"| {name} | {shown} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        args.write.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
