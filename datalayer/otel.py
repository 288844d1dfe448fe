"""OpenTelemetry (extra ``otel``): one span per query function, and pool metrics.

.. code-block:: python

    from datalayer import otel

    otel.instrument_queries()                  # every Query, every Database, from now on
    metrics = otel.instrument_pool(db)         # gauges and a histogram for this pool

Spans follow OpenTelemetry's database semantic conventions: the span is named after the query
(``fintech.get_account_by_id``), kind CLIENT, with ``db.system.name`` (and the older
``db.system``) ``postgresql``, ``db.operation.name`` (the SQL verb), ``db.namespace`` (the database),
``db.query.summary`` (the query's name), ``db.query.text`` (the parameterised SQL, ``$n``
placeholders only), ``server.address``/``server.port`` and, on failure, ``error.type`` (the
:mod:`datalayer.errors` class). Parameter values and error messages are never recorded: both can
carry user data.

Pool metrics (``db.client.connection.*``): ``count`` by state (idle, used), ``max``,
``idle.min``, ``wait_time`` (seconds to acquire) and ``timeouts``, with
``db.client.connection.pool.name``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from opentelemetry import metrics, trace
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.trace import SpanKind, Status, StatusCode

from . import __version__
from .db import Database
from .queries import QUERY_LOG, Connection, Query

__all__ = ["PoolMetrics", "instrument_pool", "instrument_queries", "uninstrument_queries"]

_TRACED = ("fetch_args", "fetchrow_args", "fetchval_args", "execute_args", "execute_many")
_ORIGINAL: dict[str, Callable[..., Any]] = {}
_VERB = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(\w+)", re.IGNORECASE)
R = TypeVar("R")


def _operation(sql: str) -> str:
    match = _VERB.match(sql)
    return match.group(1).upper() if match else "UNKNOWN"


def _connection_attributes(conn: Connection) -> dict[str, str | int]:
    attributes: dict[str, str | int] = {}
    params = getattr(conn, "_params", None)
    database = getattr(params, "database", None)
    if isinstance(database, str):
        attributes["db.namespace"] = database
    addr = getattr(conn, "_addr", None)
    if isinstance(addr, tuple) and len(addr) >= 2:
        attributes["server.address"] = str(addr[0])
        attributes["server.port"] = int(addr[1])
    return attributes


def instrument_queries(tracer_provider: trace.TracerProvider | None = None) -> None:
    """Trace every query function (idempotent; :func:`uninstrument_queries` undoes it)."""
    if _ORIGINAL:
        return
    tracer = trace.get_tracer("datalayer", __version__, tracer_provider=tracer_provider)
    for name in _TRACED:
        original: Callable[..., Awaitable[Any]] = getattr(Query, name)
        _ORIGINAL[name] = original
        setattr(Query, name, _traced(tracer, original))
    QUERY_LOG.hooked = True  # generated functions go through the traced methods


def uninstrument_queries() -> None:
    for name, original in _ORIGINAL.items():
        setattr(Query, name, original)
    _ORIGINAL.clear()
    QUERY_LOG.hooked = False


def _traced(
    tracer: trace.Tracer, method: Callable[..., Awaitable[R]]
) -> Callable[..., Awaitable[R]]:
    @functools.wraps(method)
    async def traced(self: Query, conn: Connection, *args: Any, **kwargs: Any) -> R:
        operation = _operation(self.sql)
        attributes: dict[str, str | int] = {
            "db.system.name": "postgresql",
            "db.system": "postgresql",
            "db.operation.name": operation,
            "db.query.summary": self.qualified_name,
            "db.query.text": self.sql,
            "datalayer.query": self.qualified_name,
        }
        attributes.update(_connection_attributes(conn))
        with tracer.start_as_current_span(
            self.qualified_name,
            kind=SpanKind.CLIENT,
            attributes=attributes,
            record_exception=False,  # messages can quote values
            set_status_on_exception=False,
        ) as span:
            try:
                return await method(self, conn, *args, **kwargs)
            except BaseException as exc:
                span.set_attribute("error.type", type(exc).__name__)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise

    return traced


class PoolMetrics:
    """The instruments observing one :class:`Database`'s pool."""

    def __init__(
        self, db: Database, meter_provider: metrics.MeterProvider | None, pool_name: str
    ) -> None:
        self._db = db
        self._attributes = {"db.client.connection.pool.name": pool_name}
        meter = metrics.get_meter("datalayer", __version__, meter_provider=meter_provider)
        meter.create_observable_up_down_counter(
            "db.client.connection.count",
            callbacks=[self._count],
            unit="{connection}",
            description="Connections open in the pool, by state (idle, used).",
        )
        meter.create_observable_up_down_counter(
            "db.client.connection.max",
            callbacks=[self._max],
            unit="{connection}",
            description="The most connections the pool may open.",
        )
        meter.create_observable_up_down_counter(
            "db.client.connection.idle.min",
            callbacks=[self._min],
            unit="{connection}",
            description="Connections the pool keeps open when idle.",
        )
        self._wait = meter.create_histogram(
            "db.client.connection.wait_time",
            unit="s",
            description="Time to obtain a connection from the pool.",
        )
        self._timeouts = meter.create_counter(
            "db.client.connection.timeouts",
            unit="{timeout}",
            description="Acquires that gave up (PoolTimeout).",
        )
        db._acquire_observer = self._observe_acquire

    def _observe_acquire(self, seconds: float, timed_out: bool) -> None:
        if timed_out:
            self._timeouts.add(1, self._attributes)
        else:
            self._wait.record(seconds, self._attributes)

    def _count(self, options: CallbackOptions) -> Iterable[Observation]:
        info = self._db.pool_info()
        return [
            Observation(info.checked_in, self._attributes | {"db.client.connection.state": "idle"}),
            Observation(
                info.checked_out, self._attributes | {"db.client.connection.state": "used"}
            ),
        ]

    def _max(self, options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(self._db.pool_info().max_size, self._attributes)]

    def _min(self, options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(self._db.pool_info().min_size, self._attributes)]

    def close(self) -> None:
        """Stop recording acquire waits (the observable instruments report until the meter
        provider shuts down)."""
        self._db._acquire_observer = None


def instrument_pool(
    db: Database,
    *,
    meter_provider: metrics.MeterProvider | None = None,
    pool_name: str | None = None,
) -> PoolMetrics:
    """Pool metrics for ``db``; ``pool_name`` defaults to its masked URL."""
    return PoolMetrics(db, meter_provider, pool_name or db.settings.masked_url)
