"""Type safety of the generated code, proven with ``mypy --strict``: a consumer using the generated
functions (with ``assert_type`` on their exact types) passes; wrong snippets fail."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from gen_support import FIXTURES, Generated

PROJECT = Path(__file__).resolve().parents[2]

CONSUMER = """\
from decimal import Decimal
from typing import assert_type
from uuid import UUID, uuid4

from genfx_shapes import AccountSettings

import genfx
from datalayer.db import Database


async def use(db: Database) -> str | None:
    async with db.transaction() as conn:
        owner = await genfx.create_owner(conn, name="a", email=None, nickname=None)
        assert_type(owner, genfx.Owner)
        found = await genfx.get_owner(conn, id=owner.id)
        assert_type(found, genfx.Owner | None)
        assert_type(await genfx.list_owners(conn), list[genfx.Owner])
        assert_type(await genfx.count_owners(conn), int)
        assert_type(await genfx.exists_owner(conn, name="a"), bool)
        assert_type(await genfx.get_owner_email(conn, id=uuid4()), str | None)
        assert_type(await genfx.update_owner_nickname(conn, id=owner.id, nickname=None), int)
        await genfx.rename_owners(conn, rows=[genfx.RenameOwnersParams(id=owner.id, name="b")])
        stats = await genfx.get_account_stats(conn)
        assert_type(stats.accounts, int)
        assert_type(stats.total, Decimal | None)
        account = await genfx.create_account(
            conn,
            owner_id=owner.id,
            status=genfx.AccountStatus.ACTIVE,
            limit_amount=Decimal(1),
            settings={"currency": "EUR"},
            metadata=None,
        )
        assert_type(account.settings, AccountSettings)
        assert_type(account.status, genfx.AccountStatus)
        for row in await genfx.list_owners_left_accounts(conn):
            assert_type(row.owner_id, UUID)
            assert_type(row.account_id, UUID | None)
        names = await genfx.list_owner_names(conn, limit_rows=None)
        assert_type(names, list[genfx.OwnerName])
        return found.name if found is not None else None
"""

WRONG = {
    "bad_keyword": (
        "await genfx.get_owner(conn, idd=uuid4())",
        r'Unexpected keyword argument "idd" for "get_owner"',
    ),
    "bad_type": (
        'await genfx.get_owner(conn, id="3f1c")',
        r'Argument "id" to "get_owner" has incompatible type "str"; expected "UUID"',
    ),
    "bad_none_param": (
        'await genfx.create_owner(conn, name=None, email=None, nickname="x")',
        r'Argument "name" to "create_owner" has incompatible type "None"; expected "str"',
    ),
    "bad_optional": (
        "print((await genfx.get_owner(conn, id=uuid4())).name)",
        r'Item "None" of "Owner \| None" has no attribute "name"',
    ),
    "bad_enum": (
        'await genfx.list_accounts_by_status(conn, statuses=["frozen"])',
        r'List item 0 has incompatible type "str"; expected "AccountStatus"',
    ),
}

WRONG_TEMPLATE = """\
from uuid import uuid4

import genfx
from datalayer.db import Database


async def use(db: Database) -> None:
    async with db.transaction() as conn:
        {line}
"""


def test_mypy_strict(generated: Generated, tmp_path: Path) -> None:
    (tmp_path / "consumer_ok.py").write_text(CONSUMER)
    for name, (line, _) in WRONG.items():
        (tmp_path / f"{name}.py").write_text(WRONG_TEMPLATE.format(line=line))
    package = generated.root / "genfx"
    files = [str(package / "_queries.py"), str(package / "__init__.py")]
    files += [str(tmp_path / "consumer_ok.py"), *(str(tmp_path / f"{n}.py") for n in WRONG)]
    env = dict(os.environ, MYPYPATH=os.pathsep.join([str(generated.root), str(FIXTURES)]))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(PROJECT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "--no-error-summary",
            *files,
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    errors: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        match = re.match(r"^(.*?\.py):\d+: error: (.*)$", line)
        if match:
            errors.setdefault(Path(match.group(1)).stem, []).append(match.group(2))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # The generated module and the consumer (every assert_type) are clean under --strict.
    assert "_queries" not in errors and "__init__" not in errors, proc.stdout
    assert "consumer_ok" not in errors, proc.stdout
    for name, (_, expected) in WRONG.items():
        assert any(re.search(expected, e) for e in errors.get(name, [])), (name, proc.stdout)
