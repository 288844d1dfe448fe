"""``datalayer sample --app APP --scale N [--seed S]``: realistic sample data, deterministic per seed,
loaded with COPY (:func:`datalayer.bulk.copy_records`) in one transaction.

Each application ships its generator as an optional module ``<package>.sample``, found through the
registry like its ``cli`` module (the toolkit never imports an application by name). The module
provides:

* ``TABLES``: the tables it fills, in load order (the command refuses to load over rows in them);
* ``def plan(scale: int) -> dict[str, int]``: the rows it will write per table (progress totals);
* ``async def load(sample: Sample) -> None``: writes them through :meth:`Sample.copy`, one
  function per table.

:class:`Sample` gives the generators one seeded random source and helpers for realistic shapes:
:meth:`Sample.skewed` (a few users own most rows), :meth:`Sample.maybe` (NULL where allowed),
:meth:`Sample.moment` (times spread over a year before a fixed epoch, recent ones more likely),
deterministic UUIDv7 ids. Nothing depends on the clock or the database's state, so the same seed
gives the same rows (same per-table checksums). Every constraint and trigger runs on every row.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Final, Protocol, TypeVar, cast

from ..apps import CORE
from ..bulk import copy_records
from ..errors import ConfigurationError, DataLayerError
from ..queries import Connection

__all__ = ["EPOCH", "Sample", "SampleModule", "generator", "load_sample", "register"]

T = TypeVar("T")

#: The sample data's "now": every generated time lies before it.
EPOCH: Final = datetime(2026, 1, 1, tzinfo=UTC)
ACTOR: Final = "datalayer sample"
_ALPHABET: Final = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class SampleModule(Protocol):
    TABLES: Sequence[str]

    def plan(self, scale: int) -> dict[str, int]: ...

    def load(self, sample: Sample) -> Awaitable[None]: ...


class SampleError(DataLayerError):
    """Sample data that cannot be loaded (nothing was written)."""


Progress = Callable[[str, int], None]


@dataclass
class Sample:
    """What a generator needs: the connection, the scale, one seeded random source, helpers."""

    conn: Connection
    scale: int
    seed: int
    progress: Progress = field(default=lambda table, rows: None)
    rng: random.Random = field(init=False)
    rows: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    async def copy(
        self, table: str, columns: Sequence[str], records: Iterable[Sequence[object]]
    ) -> int:
        """COPY ``records`` into ``table`` in batches, advancing the progress bar."""
        batch: list[Sequence[object]] = []
        total = 0
        for record in records:
            batch.append(record)
            if len(batch) >= 5000:
                total += await copy_records(self.conn, table, columns, batch)
                self.progress(table, len(batch))
                batch = []
        if batch:
            total += await copy_records(self.conn, table, columns, batch)
            self.progress(table, len(batch))
        self.rows[table] = self.rows.get(table, 0) + total
        return total

    # -- shapes ----------------------------------------------------------------------------------

    def moment(self, *, days: float = 365.0, after: datetime | None = None) -> datetime:
        """A time before :data:`EPOCH` (after ``after`` when given), recent times more likely."""
        start = after if after is not None else EPOCH - timedelta(days=days)
        span = (EPOCH - start).total_seconds()
        if span <= 0:
            return EPOCH
        share = self.rng.betavariate(2.0, 1.2)  # leans towards the present
        return start + timedelta(seconds=int(span * share))

    def later(self, start: datetime, *, hours: float = 72.0) -> datetime:
        """A time after ``start``, at most ``hours`` later (exponentially distributed)."""
        delta = min(self.rng.expovariate(3.0 / hours), hours)
        return start + timedelta(seconds=int(delta * 3600) + 1)

    def uuid(self, at: datetime | None = None) -> uuid.UUID:
        """A UUIDv7 for time ``at`` whose random bits come from the seed."""
        millis = int((at or EPOCH).timestamp() * 1000) & ((1 << 48) - 1)
        value = (millis << 80) | (0x7 << 76) | (self.rng.getrandbits(12) << 64)
        value |= (0b10 << 62) | self.rng.getrandbits(62)
        return uuid.UUID(int=value)

    def skewed(self, items: Sequence[T], *, alpha: float = 1.2) -> T:
        """One of ``items``, the first ones far more often (a Zipf-like law: a few busy users)."""
        n = len(items)
        index = int(n * (1.0 - self.rng.random() ** (1.0 / (1.0 - 1.0 / (alpha + 1.0)))) ** 2.5)
        return items[min(max(index, 0), n - 1)]

    def maybe(self, value: T, null_share: float = 0.2) -> T | None:
        """``value``, or NULL in about ``null_share`` of the rows."""
        return None if self.rng.random() < null_share else value

    def pick(self, weights: Mapping[T, float]) -> T:
        """A key of ``weights``, drawn in proportion to its weight."""
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def count(self, mean: float, *, low: int = 0, high: int | None = None) -> int:
        """A count around ``mean`` (geometric: many small, a few large)."""
        if mean <= 0:
            return low
        p = 1.0 / (mean + 1.0)
        value = int(math.log(1.0 - self.rng.random()) / math.log(1.0 - p)) if p < 1 else 0
        value = max(value, low)
        return min(value, high) if high is not None else value

    def password_hash(self) -> str:
        """A bcrypt-shaped hash that matches no password: sample users cannot sign in."""
        return "$2b$12$" + "".join(self.rng.choice(_ALPHABET) for _ in range(53))

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))


def generator(module: str) -> ModuleType | None:
    """``<module>.sample`` when the application ships one (imports it)."""
    try:
        spec = importlib.util.find_spec(f"{module}.sample")
    except (ImportError, ValueError):
        return None
    return importlib.import_module(f"{module}.sample") if spec is not None else None


def _module(app: str) -> SampleModule:
    from ..apps import registered

    apps = registered()
    if app not in apps:
        raise ConfigurationError(
            f"{app}: not a registered application ({', '.join(apps)})", variable="--app"
        )
    found = generator(apps[app].module)
    if found is None:
        raise ConfigurationError(f"{app} ships no sample data ({apps[app].module}.sample)",
                                 variable="--app")  # fmt: skip
    return cast("SampleModule", found)


async def _binary_json(conn: Connection) -> None:
    """jsonb and json in binary format, which binary COPY needs; values decode as before (Python
    objects)."""
    await conn.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        encoder=lambda v: b"\x01" + json.dumps(v).encode(),
        decoder=lambda b: json.loads(b[1:]),
        format="binary",
    )
    await conn.set_type_codec(
        "json",
        schema="pg_catalog",
        encoder=lambda v: json.dumps(v).encode(),
        decoder=lambda b: json.loads(b),
        format="binary",
    )


async def load_sample(
    conn: Connection, app: str, *, scale: int, seed: int, progress: Progress | None = None
) -> dict[str, int]:
    """Fill ``app``'s tables on ``conn`` (inside the caller's transaction); rows per table."""
    module = _module(app)
    if scale < 1:
        raise ConfigurationError("--scale must be at least 1", variable="--scale")
    for table in module.TABLES:
        schema, _, name = table.partition(".")
        busy = await conn.fetchval(
            f'SELECT EXISTS (SELECT FROM "{schema}"."{name}")'  # names from TABLES
        )
        if busy:
            raise SampleError(
                f"{table} already has rows: sample data loads into an empty application "
                f"(`datalayer reset --app {app}` first)"
            )
    await _binary_json(conn)
    sample = Sample(conn=conn, scale=scale, seed=seed, progress=progress or (lambda t, n: None))
    await module.load(sample)
    await _into_monthly_partitions(conn, [CORE, app])
    return dict(sample.rows)


async def _into_monthly_partitions(conn: Connection, schemas: Sequence[str]) -> None:
    """Sample rows lie in past months that have no partition yet: move what reached a default
    partition into partitions of its months, so the loaded database looks maintained."""
    from ..partitions import move_default_rows_sql

    await conn.execute(move_default_rows_sql(schemas))


def _cmd_sample(args: argparse.Namespace) -> int:
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..db import Database
    from ..settings import Settings
    from ..urls import resolve_migrate_url
    from .profiles import refuse_in_production

    refuse_in_production("datalayer sample")
    module = _module(args.app)
    plan = module.plan(args.scale)

    async def run() -> tuple[dict[str, int], float]:
        url = resolve_migrate_url(args.database_url)
        settings = Settings.load(url=url, pool_size=1, max_overflow=0, command_timeout=None)
        with Progress(
            TextColumn("{task.description:<40}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not sys.stderr.isatty(),
            console=None,
        ) as bar:
            tasks = {t: bar.add_task(t, total=n) for t, n in plan.items()}

            def advance(table: str, rows: int) -> None:
                if table not in tasks:
                    tasks[table] = bar.add_task(table, total=None)
                bar.advance(tasks[table], rows)

            db = await Database.connect(settings)
            started = time.perf_counter()
            async with db, db.transaction(actor=ACTOR) as conn:
                rows = await load_sample(
                    conn, args.app, scale=args.scale, seed=args.seed, progress=advance
                )
            return rows, time.perf_counter() - started

    rows, seconds = asyncio.run(run())
    total = sum(rows.values())
    for table, n in rows.items():
        print(f"{table}: {n} rows")
    print(
        f"loaded {total} rows of {args.app} (scale {args.scale}, seed {args.seed}) in "
        f"{seconds:.1f}s: {total / seconds if seconds else 0:.0f} rows/s"
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``datalayer sample``."""
    p = sub.add_parser(
        "sample",
        help="load deterministic sample data into one application (never in production)",
        description="Generate realistic rows for --app (scale 1 = a small team's data; rows "
        "grow linearly with --scale) and COPY them in one transaction. The same --seed gives "
        "the same rows. Refused when DATALAYER_ENV=production or when the app's tables "
        "already hold rows. Connects like migrate (DATALAYER_MIGRATE_URL, else DATABASE_URL).",
        epilog="examples: datalayer sample --app fintech --scale 1; "
        "datalayer sample --app logistics --scale 100 --seed 7",
    )
    p.add_argument("--database-url", default=None, help="where to connect (like migrate)")
    p.add_argument("--app", required=True, metavar="APP", help="the application to fill")
    p.add_argument("--scale", type=int, default=1, help="size multiplier (default 1)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.set_defaults(func=_cmd_sample)
