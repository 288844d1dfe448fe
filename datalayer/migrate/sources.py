"""Which histories a run works on: core, the registered applications it names, and the services'
own folders stacked on top.

* **Packaged**: ``core`` (always) and every application in the registry
  (:mod:`datalayer.apps`); ``apps`` narrows them (``--app``, ``DATALAYER_APPS``). An application's
  history depends on core only, never on another application.
* **Extra** (``--migrations DIR``, ``DATALAYER_MIGRATIONS``): a service's own history, added to the
  packaged ones, never replacing them; it may depend on an application's migrations, which are then
  selected too.

Histories run in dependency order (core first); within a history, in number order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Final

from .. import apps as registry
from .. import paths
from .files import History, MigrationError, MigrationFile, read_history

__all__ = ["Renamed", "Sources", "load_sources"]

RENAMED_FILE: Final = "renamed.json"


@dataclass(frozen=True, slots=True)
class Renamed:
    """A migration that was applied under another id (``migrations/renamed.json``): the runner
    carries its records over to ``new_id`` when the recorded checksum is ``old_sha256``."""

    old_id: str
    new_id: str
    old_sha256: str


@dataclass(frozen=True)
class Sources:
    """The histories of one run, in the order they apply."""

    histories: tuple[History, ...]
    #: every history known (selected or not), to tell "not selected" from "unknown"
    known: frozenset[str] = frozenset()
    renamed: tuple[Renamed, ...] = field(default=())

    @cached_property
    def files(self) -> tuple[MigrationFile, ...]:
        return tuple(f for h in self.histories for f in h.files)

    @cached_property
    def by_id(self) -> dict[str, MigrationFile]:
        return {f.id: f for f in self.files}

    @cached_property
    def position(self) -> dict[str, int]:
        """Apply order of every file (dependencies first)."""
        return {f.id: i for i, f in enumerate(self.files)}

    def history(self, name: str) -> History:
        for h in self.histories:
            if h.name == name:
                return h
        if name in self.known:
            raise MigrationError(f"history {name!r} is not selected in this run")
        raise MigrationError(
            f"no migration history named {name!r} (known: {', '.join(sorted(self.known))})"
        )

    def requires(self, migration_id: str) -> set[str]:
        """Every migration ``migration_id`` needs, transitively (not itself)."""
        seen: set[str] = set()
        stack = list(self.by_id[migration_id].depends)
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            dep = self.by_id.get(current)
            if dep is not None:
                stack.extend(dep.depends)
        return seen


def _packaged_histories(root: Path | None) -> dict[str, History]:
    found: dict[str, History] = {}
    core_dir = (root or paths.migrations_dir()) / registry.CORE
    found[registry.CORE] = read_history(core_dir, name=registry.CORE)
    for name, app in registry.registered().items():
        directory = (root / name) if root is not None else app.migrations
        if directory.is_dir():
            found[name] = read_history(directory, name=name)
    return found


def _read_renamed(root: Path) -> tuple[Renamed, ...]:
    path = root / RENAMED_FILE
    if not path.is_file():
        return ()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return tuple(
            Renamed(old_id=old, new_id=str(v["id"]), old_sha256=str(v["sha256"]))
            for old, v in data.items()
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise MigrationError(f"{path}: not a valid map of renamed migrations ({exc})") from None


def _order(histories: dict[str, History]) -> list[History]:
    """Dependency order (core first, then by name), refusing cycles and unknown dependencies."""
    owner = {f.id: h.name for h in histories.values() for f in h.files}
    needs: dict[str, set[str]] = {}
    for h in histories.values():
        needs[h.name] = set()
        for dep in h.external_depends:
            other = owner.get(dep)
            if other is None:
                first = next(f for f in h.files if dep in f.depends)
                raise MigrationError(
                    f"{first.name}: `-- depends: {dep}` names no migration in the selected "
                    "histories"
                )
            needs[h.name].add(other)
    ordered: list[History] = []
    done: set[str] = set()
    pending = sorted(histories, key=lambda n: (n != registry.CORE, n))
    while pending:
        ready = [n for n in pending if needs[n] <= done]
        if not ready:
            raise MigrationError(
                "migration histories depend on each other in a cycle: " + ", ".join(pending)
            )
        name = ready[0]
        ordered.append(histories[name])
        done.add(name)
        pending.remove(name)
    return ordered


def _split_names(values: Iterable[str]) -> list[str]:
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def load_sources(
    *,
    apps: Sequence[str] | None = None,
    extra: Sequence[Path] = (),
    packaged: bool = True,
    root: Path | None = None,
) -> Sources:
    """Read and validate the histories of a run.

    ``apps``: the applications to include (``None``: all registered; names may be comma-separated).
    ``extra``: folders of additional histories (each folder one history). ``packaged=False``
    leaves core and the applications out (a run over ``extra`` alone). ``root`` reads the packaged
    histories from ``root/<name>`` instead of the installed locations.
    """
    available: dict[str, History] = _packaged_histories(root) if packaged else {}
    app_names = [n for n in available if n != registry.CORE]
    for name, history in available.items():
        if name == registry.CORE:
            continue
        for dep in history.external_depends:
            if dep.split(".", 2)[1:2] != [registry.CORE]:
                raise MigrationError(
                    f"application {name!r} depends on {dep}: an application's migrations may "
                    "depend on core only, never on another application"
                )
    extras: dict[str, History] = {}
    for directory in extra:
        history = read_history(Path(directory))
        if history.name in available or history.name in extras:
            raise MigrationError(
                f"{directory}: history {history.name!r} is already defined by another folder"
            )
        extras[history.name] = history
    everything = {**available, **extras}
    ids: dict[str, str] = {}
    for h in everything.values():
        for f in h.files:
            if f.id in ids:
                raise MigrationError(f"{f.name}: id {f.id} is used in two folders")
            ids[f.id] = h.name

    if apps is None:
        wanted = set(everything)
    else:
        names = _split_names(apps)
        unknown = [n for n in names if n not in everything]
        if unknown:
            raise MigrationError(
                f"unknown application {', '.join(unknown)} (registered: "
                f"{', '.join(app_names) or 'none'})"
            )
        wanted = set(names) | set(extras)
        if packaged:
            wanted.add(registry.CORE)
    # Pull in what the selected histories depend on.
    changed = True
    while changed:
        changed = False
        for name in list(wanted):
            for dep in everything[name].external_depends:
                other = ids.get(dep)
                if other is not None and other not in wanted:
                    wanted.add(other)
                    changed = True
    selected = {n: everything[n] for n in wanted}
    renamed = _read_renamed(root or paths.migrations_dir()) if packaged else ()
    return Sources(
        histories=tuple(_order(selected)),
        known=frozenset(everything),
        renamed=renamed,
    )
