"""datalayer.otel: spans per query function and pool metrics, read back from in-memory exporters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from datalayer import Database, errors, fintech, otel
from datalayer.settings import Settings

SECRET_EMAIL = "secret-person@example.com"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    otel.instrument_queries(tracer_provider=provider)
    try:
        yield exporter
    finally:
        otel.uninstrument_queries()
        provider.shutdown()


async def test_one_span_per_query_function(
    db: Database, database_url: str, spans: InMemorySpanExporter
) -> None:
    async with db.transaction() as conn:
        user = await fintech.create_user(
            conn,
            email=SECRET_EMAIL,
            first_name="Ada",
            last_name="Lovelace",
            phone_number=None,
            password_hash="$2b$12$" + "a" * 53,
        )
        assert await fintech.get_user_by_email(conn, email=SECRET_EMAIL) is not None
    with pytest.raises(errors.UniqueViolation):
        await db.call(
            fintech.create_user,
            email=SECRET_EMAIL,
            first_name="A",
            last_name="B",
            phone_number=None,
            password_hash="$2b$12$" + "a" * 53,
        )
    assert await db.call(fintech.list_accounts_by_user, user_id=user.id) == []
    finished = spans.get_finished_spans()
    assert [s.name for s in finished] == [
        "fintech.create_user",
        "fintech.get_user_by_email",
        "fintech.create_user",
        "fintech.list_accounts_by_user",
    ]
    first: dict[str, Any] = dict(finished[0].attributes or {})
    assert finished[0].kind is SpanKind.CLIENT
    assert first["db.system.name"] == "postgresql" and first["db.system"] == "postgresql"
    assert first["db.operation.name"] == "SELECT"  # SELECT … FROM fintech.sign_up(…)
    assert dict(finished[1].attributes or {})["db.operation.name"] == "SELECT"
    assert first["db.namespace"] == database_url.rsplit("/", 1)[1]
    assert first["server.address"] == "127.0.0.1" and isinstance(first["server.port"], int)
    assert "$1" in first["db.query.text"]
    failed = finished[2]
    assert failed.status.status_code is StatusCode.ERROR
    assert dict(failed.attributes or {})["error.type"] == "UniqueViolation"
    for span in finished:  # no parameter value, no error message
        text = repr(span.attributes) + repr(span.events) + str(span.status.description)
        assert SECRET_EMAIL not in text and "Ada" not in text
    otel.uninstrument_queries()
    await db.call(fintech.list_accounts_by_user, user_id=user.id)
    assert len(spans.get_finished_spans()) == 4  # uninstrumented: no more spans


def _points(reader: InMemoryMetricReader) -> dict[str, list[Any]]:
    data = reader.get_metrics_data()
    found: dict[str, list[Any]] = {}
    assert data is not None
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                found.setdefault(metric.name, []).extend(metric.data.data_points)
    return found


async def test_pool_metrics(database_url: str) -> None:
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    settings = Settings.load(url=database_url, pool_size=2, max_overflow=1, pool_timeout=0.2)
    try:
        async with await Database.connect(settings) as db:
            pool_metrics = otel.instrument_pool(db, meter_provider=provider, pool_name="main")
            async with db.acquire() as held, db.acquire():
                assert await held.fetchval("SELECT 1") == 1
                points = _points(reader)
                by_state = {
                    p.attributes["db.client.connection.state"]: p.value
                    for p in points["db.client.connection.count"]
                }
                assert by_state["used"] == 2
                assert points["db.client.connection.max"][0].value == 3
                assert points["db.client.connection.idle.min"][0].value == 1
                async with db.acquire():
                    with pytest.raises(errors.PoolTimeout):
                        async with db.acquire():
                            pass
            points = _points(reader)
            waits = points["db.client.connection.wait_time"]
            assert waits[0].count == 3 and waits[0].sum >= 0
            assert waits[0].attributes["db.client.connection.pool.name"] == "main"
            assert points["db.client.connection.timeouts"][0].value == 1
            pool_metrics.close()
            await db.call(fintech.list_currency_totals)
            assert _points(reader)["db.client.connection.wait_time"][0].count == 3
    finally:
        provider.shutdown()
