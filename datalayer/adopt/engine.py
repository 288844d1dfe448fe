"""Run an application's conversion files against a legacy schema: report, apply, drop.

Everything an application does to its old data is in its own SQL files (:mod:`.files`); this
module only orders them, computes the refusals until they stop spreading, keeps the quarantine
tables in step, and counts. One transaction per application: a failed apply leaves nothing behind,
and a second apply finds nothing to do.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import psycopg
from psycopg import sql

from .. import apps as registry
from ..errors import ConfigurationError, DataLayerError
from ..migrate.state import Target
from ..partitions import move_default_rows_sql
from .files import KEY_SETTING, KEYRING_SETTING, LEGACY, Conversion, read_conversions

__all__ = [
    "AdoptError",
    "Report",
    "TableReport",
    "adopt",
    "conversions_for",
    "drop_legacy",
    "quarantine_schema",
]

_MAX_ROUNDS: Final = 100
_KEY_ID: Final = re.compile(r"[A-Za-z0-9_.-]{1,32}")


class AdoptError(DataLayerError):
    """The legacy data cannot be adopted as asked (nothing was changed)."""


def quarantine_schema(app: str) -> str:
    return f"{app}_quarantine"


@dataclass
class TableReport:
    """One legacy table: its rows, what converts, what is refused and why."""

    legacy: str
    legacy_rows: int = 0
    converted_before: int = 0
    converted_after: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    quarantine_changes: int = 0

    @property
    def refused_rows(self) -> int:
        return sum(self.refused.values())

    @property
    def to_convert(self) -> int:
        return self.legacy_rows - self.refused_rows - self.converted_before

    @property
    def accounted(self) -> bool:
        """Every legacy row is either in the new schema or refused, never both, never neither."""
        return self.converted_after + self.refused_rows == self.legacy_rows


@dataclass
class Report:
    app: str
    legacy_schema: str
    applied: bool
    tables: list[TableReport]
    rounds: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        """Rows written by this run (converted now plus quarantine rows added, changed or removed)."""
        return sum(
            t.converted_after - t.converted_before + t.quarantine_changes for t in self.tables
        )

    @property
    def accounted(self) -> bool:
        return all(t.accounted for t in self.tables)

    def lines(self) -> list[str]:
        out = [
            f"{'table':<28} {'legacy':>9} {'converted':>9} {'to convert':>10} {'refused':>9}",
        ]
        for t in self.tables:
            converted = t.converted_after if self.applied else t.converted_before
            pending = 0 if self.applied else t.to_convert
            out.append(
                f"{t.legacy:<28} {t.legacy_rows:>9} {converted:>9} {pending:>10} "
                f"{t.refused_rows:>9}"
            )
            for reason, count in sorted(t.refused.items(), key=lambda kv: (-kv[1], kv[0])):
                out.append(f"    refused {count:>9}  {reason}")
        verb = "applied" if self.applied else "dry run (nothing changed; --apply converts)"
        out.append(
            f"{self.app} from schema {self.legacy_schema}: {verb}; "
            f"{self.changed} rows written; refusals settled in {self.rounds} rounds; "
            f"{self.seconds:.2f} s"
        )
        if self.applied:
            out.append(
                "every legacy row is converted or quarantined"
                if self.accounted
                else "NOT ACCOUNTED: converted + quarantined differs from the legacy rows"
            )
        return out


def conversions_for(app: str, directory: Path | None = None) -> tuple[Conversion, ...]:
    """The application's conversion files (from the registry unless ``directory`` is given)."""
    if directory is None:
        found = registry.registered().get(app)
        if found is None:
            known = ", ".join(registry.registered()) or "none"
            raise ConfigurationError(f"unknown application {app!r} (registered: {known})")
        directory = found.adopt
    return read_conversions(directory)


def _legacy_ident(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def _text(conversion_sql: str, legacy_schema: str) -> str:
    return conversion_sql.replace(LEGACY, _legacy_ident(legacy_schema))


def _count(conn: psycopg.Connection[tuple[object, ...]], query: str) -> int:
    row = conn.execute(query.encode()).fetchone()
    return int(str(row[0])) if row is not None else 0


def _check_legacy(
    conn: psycopg.Connection[tuple[object, ...]], schema: str, conversions: Sequence[Conversion]
) -> None:
    rows = conn.execute(
        "SELECT c.relname FROM pg_catalog.pg_class AS c "
        "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
        (schema,),
    ).fetchall()
    present = {str(r[0]) for r in rows}
    missing = [c.legacy for c in conversions if c.legacy not in present]
    if missing:
        raise AdoptError(
            f"schema {schema!r} has no legacy table {', '.join(missing)}: is it the schema "
            "the old application created?"
        )


def _settle_refusals(
    conn: psycopg.Connection[tuple[object, ...]], schema: str, conversions: Sequence[Conversion]
) -> int:
    """Fill pg_temp.adopt_refused_<table> for every table until no refusal is added; the rounds."""
    for c in conversions:
        conn.execute(
            sql.SQL(
                "CREATE TEMP TABLE {} (legacy_key text PRIMARY KEY, reason text NOT NULL) "
                "ON COMMIT DROP"
            ).format(sql.Identifier(c.refused_table))
        )
    for rounds in range(1, _MAX_ROUNDS + 1):
        added = 0
        for c in conversions:
            cur = conn.execute(
                sql.SQL(
                    "INSERT INTO pg_temp.{} (legacy_key, reason) "
                    "SELECT q.legacy_key, q.reason FROM ({}) AS q "
                    "WHERE q.reason IS NOT NULL AND q.legacy_key IS NOT NULL "
                    "ON CONFLICT (legacy_key) DO NOTHING"
                ).format(sql.Identifier(c.refused_table), sql.SQL(_text(c.refuse, schema)))
            )
            added += max(cur.rowcount, 0)
        for c in conversions:  # temporary tables have no statistics until analysed
            conn.execute(sql.SQL("ANALYZE pg_temp.{}").format(sql.Identifier(c.refused_table)))
        if added == 0:
            return rounds
    raise AdoptError(f"refusals still spread after {_MAX_ROUNDS} rounds")


def _refusals(conn: psycopg.Connection[tuple[object, ...]], c: Conversion) -> dict[str, int]:
    rows = conn.execute(
        sql.SQL("SELECT reason, count(*) FROM pg_temp.{} GROUP BY reason").format(
            sql.Identifier(c.refused_table)
        )
    ).fetchall()
    return {str(r[0]): int(str(r[1])) for r in rows}


def _quarantine(
    conn: psycopg.Connection[tuple[object, ...]], app: str, schema: str, c: Conversion
) -> int:
    """Make <app>_quarantine.<table> hold exactly the refused rows; the rows changed."""
    q = sql.Identifier(quarantine_schema(app), c.legacy)
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {q} ("
            "legacy_key text PRIMARY KEY, reason text NOT NULL, row_data jsonb NOT NULL, "
            "quarantined_at timestamptz NOT NULL DEFAULT now())"
        ).format(q=q)
    )
    conn.execute(
        sql.SQL("COMMENT ON TABLE {q} IS {c}").format(
            q=q,
            c=sql.Literal(
                f"Legacy {c.legacy} rows that did not convert: the row as it was (row_data) and "
                "why (reason). Fix the legacy row and run adopt --apply again to convert it."
            ),
        )
    )
    refused = sql.Identifier(c.refused_table)
    removed = conn.execute(
        sql.SQL(
            "DELETE FROM {q} AS x WHERE NOT EXISTS "
            "(SELECT FROM pg_temp.{r} AS r WHERE r.legacy_key = x.legacy_key)"
        ).format(q=q, r=refused)
    ).rowcount
    written = conn.execute(
        sql.SQL(
            "INSERT INTO {q} AS x (legacy_key, reason, row_data) "
            "SELECT r.legacy_key, r.reason, to_jsonb(l) FROM pg_temp.{r} AS r "
            "JOIN {legacy}.{t} AS l ON ({key})::text = r.legacy_key "
            "ON CONFLICT (legacy_key) DO UPDATE SET reason = EXCLUDED.reason, "
            "row_data = EXCLUDED.row_data, quarantined_at = now() "
            "WHERE (x.reason, x.row_data) IS DISTINCT FROM (EXCLUDED.reason, EXCLUDED.row_data)"
        ).format(
            q=q,
            r=refused,
            legacy=sql.Identifier(schema),
            t=sql.Identifier(c.legacy),
            key=sql.SQL(c.key),
        )
    ).rowcount
    return max(removed, 0) + max(written, 0)


@contextmanager
def _session(url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    target = Target.parse(url)
    with target.connect() as conn:
        yield conn


def adopt(
    url: str,
    app: str,
    legacy_schema: str,
    *,
    apply: bool = False,
    encryption_key: str | None = None,
    encryption_key_id: str = "1",
    conversions_dir: Path | None = None,
) -> Report:
    """Report (``apply=False``) or carry out the conversion of ``legacy_schema`` into ``app``.

    With ``apply``, the app's migrations are applied first (core and the app), then one
    transaction converts every row that can be, moves the refused ones to
    ``<app>_quarantine.<table>`` and leaves the legacy tables as they are.

    ``encryption_key`` is the key encrypted columns are written with; ``encryption_key_id`` its id
    where the application records one next to each value (the id of the application's current
    key, ``DATABASE_ENCRYPTION_KEY_ID``; ``1`` by default).
    """
    if not _KEY_ID.fullmatch(encryption_key_id):
        raise ConfigurationError(
            "the encryption key id must be 1 to 32 letters, digits, dots, dashes or underscores",
            variable="DATABASE_ENCRYPTION_KEY_ID",
        )
    conversions = conversions_for(app, conversions_dir)
    if apply and encryption_key is None and any(c.needs_key for c in conversions):
        raise ConfigurationError(
            f"{app}'s conversion encrypts columns: set DATABASE_ENCRYPTION_KEY (the key the "
            "application will read them with)",
            variable="DATABASE_ENCRYPTION_KEY",
        )
    if apply:
        from .. import migrate

        migrate.apply(url, apps=[app], quiet=True)
    started = time.perf_counter()
    with _session(url) as conn, conn.transaction(force_rollback=not apply):
        conn.execute("SELECT pg_catalog.pg_advisory_xact_lock(hashtext(%s))", (f"adopt {app}",))
        conn.execute("SET LOCAL statement_timeout = 0")
        # JIT compiling these one-off statements cost seconds (json functions inflate the
        # estimates past jit_above_cost) and saved nothing: measured on the logistics conversion
        conn.execute("SET LOCAL jit = off")
        if encryption_key is not None:
            keyring = json.dumps(
                {"current": encryption_key_id, "keys": {encryption_key_id: encryption_key}}
            )
            for setting, value in ((KEY_SETTING, encryption_key), (KEYRING_SETTING, keyring)):
                conn.execute("SELECT pg_catalog.set_config(%s, %s, true)", (setting, value))
        _check_legacy(conn, legacy_schema, conversions)
        for c in conversions:
            if c.prepare:
                conn.execute(_text(c.prepare, legacy_schema).encode())
        if not apply:
            _check_app_schema(conn, app)
        tables = []
        for c in conversions:
            t = TableReport(legacy=c.legacy)
            t.legacy_rows = _count(
                conn,
                sql.SQL("SELECT count(*) FROM {}.{}")
                .format(sql.Identifier(legacy_schema), sql.Identifier(c.legacy))
                .as_string(conn),
            )
            t.converted_before = _count(conn, _text(c.converted, legacy_schema))
            tables.append(t)
        rounds = _settle_refusals(conn, legacy_schema, conversions)
        for c, t in zip(conversions, tables, strict=True):
            t.refused = _refusals(conn, c)
        if apply:
            conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(quarantine_schema(app))
                )
            )
            for c, t in zip(conversions, tables, strict=True):
                t.quarantine_changes = _quarantine(conn, app, legacy_schema, c)
                conn.execute(_text(c.convert, legacy_schema).encode())
            for c, t in zip(conversions, tables, strict=True):
                t.converted_after = _count(conn, _text(c.converted, legacy_schema))
            report = Report(app, legacy_schema, True, tables, rounds)
            if not report.accounted:
                bad = ", ".join(t.legacy for t in tables if not t.accounted)
                raise AdoptError(
                    f"rows of {bad} are neither converted nor quarantined (or both): nothing "
                    "was changed; the conversion files disagree with the refusals"
                )
            # rows of past months that reached a default partition go to their months' own
            conn.execute(move_default_rows_sql([registry.CORE, app]).encode())
        else:
            for t in tables:
                t.converted_after = t.converted_before
            report = Report(app, legacy_schema, False, tables, rounds)
    report.seconds = time.perf_counter() - started
    return report


def _check_app_schema(conn: psycopg.Connection[tuple[object, ...]], app: str) -> None:
    """A dry run needs the app's tables to count what is converted already."""
    row = conn.execute("SELECT to_regnamespace(%s) IS NOT NULL", (app,)).fetchone()
    if row is None or not row[0]:
        raise AdoptError(
            f"schema {app!r} does not exist yet: run `datalayer migrate --app {app}` first "
            "(adopt --apply does it too)"
        )


def drop_legacy(
    url: str, app: str, legacy_schema: str, *, conversions_dir: Path | None = None
) -> list[str]:
    """Drop the legacy tables (and ``alembic_version``) once every legacy row is converted or
    quarantined; refuse otherwise. Drops the schema too when nothing else is left in it."""
    conversions = conversions_for(app, conversions_dir)
    with _session(url) as conn, conn.transaction():
        _check_legacy(conn, legacy_schema, conversions)
        for c in conversions:  # the helpers the ``converted`` counts may call
            if c.prepare:
                conn.execute(_text(c.prepare, legacy_schema).encode())
        q = quarantine_schema(app)
        unaccounted = []
        for c in conversions:
            legacy_rows = _count(
                conn,
                sql.SQL("SELECT count(*) FROM {}.{}")
                .format(sql.Identifier(legacy_schema), sql.Identifier(c.legacy))
                .as_string(conn),
            )
            converted = _count(conn, _text(c.converted, legacy_schema))
            exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{q}.{c.legacy}",))
            row = exists.fetchone()
            quarantined = 0
            if row is not None and row[0]:
                quarantined = _count(
                    conn,
                    sql.SQL("SELECT count(*) FROM {}.{}")
                    .format(sql.Identifier(q), sql.Identifier(c.legacy))
                    .as_string(conn),
                )
            if converted + quarantined != legacy_rows:
                unaccounted.append(
                    f"{c.legacy} ({legacy_rows} legacy, {converted} converted, "
                    f"{quarantined} quarantined)"
                )
        if unaccounted:
            raise AdoptError(
                "not dropping: these legacy tables are not fully converted or quarantined "
                f"(run adopt --apply first): {'; '.join(unaccounted)}"
            )
        dropped = [c.legacy for c in reversed(conversions)]
        try:
            # no CASCADE: an object outside this application's legacy tables that depends on
            # them (another application's view or foreign key, in a shared schema) stops the drop
            conn.execute(
                sql.SQL("DROP TABLE {}").format(
                    sql.SQL(", ").join(sql.Identifier(legacy_schema, t) for t in dropped)
                )
            )
        except psycopg.errors.DependentObjectsStillExist as exc:
            raise AdoptError(
                "not dropping: other objects depend on the legacy tables "
                f"({(exc.diag.message_detail or '').strip() or exc.diag.message_primary}); "
                "drop or move them first, nothing was dropped"
            ) from None
        conn.execute(
            sql.SQL("DROP TABLE IF EXISTS {}").format(
                sql.Identifier(legacy_schema, "alembic_version")
            )
        )
        left = conn.execute(
            "SELECT count(*) FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s",
            (legacy_schema,),
        ).fetchone()
        if legacy_schema != "public" and left is not None and int(str(left[0])) == 0:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(legacy_schema)))
    return dropped
