"""``datalayer export-readiness ...``: key rotation and the purge of deleted users and reports.

* ``rotate-key`` re-encrypts every encrypted value (users' phones, generated documents, chat
  messages; every user's, deleted ones included) that is not under the current key, in batches of
  ``--batch-size``, each committed on its own, printing its progress. Stopped at any point (even
  killed), it loses nothing: run it again and it re-encrypts what is left. The keys come from the
  environment (see :mod:`datalayer.export_readiness.keys`), never from the command line: set
  ``DATABASE_ENCRYPTION_KEY``/``DATABASE_ENCRYPTION_KEY_ID`` to the new key and
  ``DATABASE_ENCRYPTION_PREVIOUS_KEY``/``DATABASE_ENCRYPTION_PREVIOUS_KEY_ID`` to the old one, for
  the service first, then for this command. It runs as the service's login
  (``export_readiness_app``, which holds the keys). Exit 0 when every value is under the current
  key, 1 when some are still under another (written meanwhile with the old keyring: run it again).
* ``purge-deleted`` removes for good the users and reports deleted more than 30 days ago, with all
  their rows. It runs as the owner (the migration login): the service may not.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Final, TextIO
from uuid import UUID

from datalayer.errors import ConfigurationError
from datalayer.queries import Connection
from datalayer.settings import Settings

from .keys import Keyring

if TYPE_CHECKING:
    from datalayer.db import Database

__all__ = ["ENCRYPTED_COLUMNS", "register", "rotate"]

#: What rotate-key re-encrypts, in this order: (table, encrypted column).
ENCRYPTED_COLUMNS: Final = (
    ("users", "phone_encrypted"),
    ("generated_documents", "content_encrypted"),
    ("chat_messages", "content_encrypted"),
)


async def _remaining(conn: Connection, keyring: Keyring) -> dict[str, dict[str, int]]:
    """For each table, the number of values under each key id that is not the current one."""
    from datalayer import export_readiness as er

    left: dict[str, dict[str, int]] = {table: {} for table, _ in ENCRYPTED_COLUMNS}
    for usage in await er.list_encryption_key_usage(conn):
        if usage.key_id != keyring.current_id:
            left.setdefault(usage.table_name, {})[usage.key_id] = usage.value_count
    return left


async def rotate(
    db: Database,
    keyring: Keyring,
    *,
    batch_size: int,
    pause: float = 0.0,
    out: TextIO | None = None,
) -> int:
    """Re-encrypts every value not under ``keyring``'s current key; returns how many are left
    under another key at the end (written meanwhile by a service still on the old keyring)."""
    from datalayer import export_readiness as er

    stream = sys.stdout if out is None else out
    text = keyring.text()
    async with db.transaction(readonly=True) as conn:
        before = await _remaining(conn, keyring)
    unknown = sorted({k for ids in before.values() for k in ids} - set(keyring.keys))
    if unknown:
        raise ConfigurationError(
            "encrypted values are under key id(s) "
            + ", ".join(repr(k) for k in unknown)
            + " that the keyring lacks: set DATABASE_ENCRYPTION_PREVIOUS_KEY and "
            "DATABASE_ENCRYPTION_PREVIOUS_KEY_ID to that key",
            variable="DATABASE_ENCRYPTION_PREVIOUS_KEY",
        )
    print(
        f"re-encrypting with key {keyring.current_id!r} in batches of {batch_size}",
        file=stream,
        flush=True,
    )
    for table, column in ENCRYPTED_COLUMNS:
        total = sum(before.get(table, {}).values())
        done = 0
        after: UUID | None = None
        while True:
            async with db.transaction() as conn:
                batch = await er.update_reencrypted_batch(
                    conn, table_name=table, encryption_key=text, after_id=after,
                    batch_size=batch_size,
                )  # fmt: skip
            if batch.reencrypted == 0:
                break
            done += batch.reencrypted
            after = batch.last_id
            share = min(100, 100 * done // total) if total else 100
            print(f"{table}.{column}: {done}/{total} ({share}%)", file=stream, flush=True)
            if pause > 0:
                await asyncio.sleep(pause)
        if done == 0:
            print(f"{table}.{column}: nothing to re-encrypt", file=stream, flush=True)
    async with db.transaction(readonly=True) as conn:
        after_run = await _remaining(conn, keyring)
    left = sum(n for ids in after_run.values() for n in ids.values())
    if left:
        print(
            f"{left} value(s) still under another key (written during the run by a service "
            "without the new keyring?): run rotate-key again",
            file=stream,
            flush=True,
        )
    else:
        print(
            f"every encrypted value is under key {keyring.current_id!r}: the previous key can be "
            "removed from the environment",
            file=stream,
            flush=True,
        )
    return left


def _settings(args: argparse.Namespace) -> Settings:
    from datalayer.urls import resolve_url

    return Settings.load(url=resolve_url(args.database_url), pool_size=1, max_overflow=0)


def _cmd_rotate_key(args: argparse.Namespace) -> int:
    from datalayer.db import Database

    from .keys import keyring_from_settings

    if not 1 <= args.batch_size <= 10_000:
        raise ConfigurationError("--batch-size must be between 1 and 10000")
    if args.pause < 0:
        raise ConfigurationError("--pause cannot be negative")
    settings = _settings(args)
    keyring = keyring_from_settings(settings)

    async def run() -> int:
        async with await Database.connect(settings) as db:
            return await rotate(db, keyring, batch_size=args.batch_size, pause=args.pause)

    return 0 if asyncio.run(run()) == 0 else 1


def _cmd_purge_deleted(args: argparse.Namespace) -> int:
    from datalayer import export_readiness as er
    from datalayer.db import Database

    async def run() -> int:
        async with (
            await Database.connect(_settings(args)) as db,
            db.transaction(actor="datalayer export-readiness purge-deleted") as conn,
        ):
            purged = await er.delete_users_and_reports_past_retention(conn, as_of=None)
        print(
            f"purged {purged.users_purged} user(s) and {purged.reports_purged} other report(s) "
            "deleted more than 30 days ago"
        )
        return 0

    return asyncio.run(run())


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``datalayer export-readiness rotate-key|purge-deleted``."""
    group = sub.add_parser(
        "export-readiness",
        aliases=["export_readiness"],
        help="the export_readiness (ExportSathi) schema: key rotation, purge of deleted data",
    )
    commands = group.add_subparsers(dest="export_readiness_command", required=True)
    rotate_p = commands.add_parser(
        "rotate-key",
        help="re-encrypt every encrypted value with the current key, in batches (resumable); "
        "keys from DATABASE_ENCRYPTION_KEY(_ID) and DATABASE_ENCRYPTION_PREVIOUS_KEY(_ID)",
    )
    rotate_p.add_argument(
        "--batch-size", type=int, default=500, help="values per transaction (default 500)"
    )
    rotate_p.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds to wait between batches, to spare a busy database (default 0)",
    )
    rotate_p.set_defaults(func=_cmd_rotate_key)
    purge_p = commands.add_parser(
        "purge-deleted",
        help="remove for good the users and reports deleted more than 30 days ago (as the owner)",
    )
    purge_p.set_defaults(func=_cmd_purge_deleted)
    for p in (rotate_p, purge_p):
        p.add_argument(
            "--database-url", default=None, help="where to connect (default: DATABASE_URL)"
        )
