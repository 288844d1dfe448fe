"""The application registry: which applications are installed, and where their SQL lives.

An application is a package that registers itself under the entry point group ``datalayer.apps``
(``fintech = "datalayer.fintech"`` in ``pyproject.toml``). The toolkit reads the registry and never
imports an application to learn about it: the entry point's value is only a module path, resolved to
a folder with :func:`importlib.util.find_spec` (which imports the parent package, not the app). An
app is imported only when one of its own CLI commands runs.

Where an application's files are, first match wins:

* migrations: ``<package>/migrations/``, else ``<migrations root>/<name>/``
  (:func:`datalayer.paths.migrations_dir`: the wheel's copy or the checkout's ``migrations/``);
* queries: ``<package>/sql/``, else ``<sql root>/<name>/``;
* conversions of the old stack's tables (``datalayer adopt``): ``<package>/adopt/``, else
  ``<adopt root>/<name>/``;
* CLI commands: a module ``<package>.cli`` with ``register(subparsers)``.

A service can register an application of its own the same way, in its own ``pyproject.toml``.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Final, cast

from . import paths

__all__ = ["CORE", "GROUP", "App", "registered"]

GROUP: Final = "datalayer.apps"
#: The toolkit's own history (extensions, id generation, shared triggers, the audit log).
CORE: Final = "core"
_NAME: Final = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class App:
    """One registered application."""

    name: str
    module: str

    def _package_dir(self) -> Path | None:
        try:
            spec = importlib.util.find_spec(self.module)
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(next(iter(spec.submodule_search_locations)))

    @property
    def migrations(self) -> Path:
        own = self._package_dir()
        if own is not None and (own / "migrations").is_dir():
            return own / "migrations"
        return paths.migrations_dir() / self.name

    @property
    def sql(self) -> Path:
        own = self._package_dir()
        if own is not None and (own / "sql").is_dir():
            return own / "sql"
        return paths.sql_dir() / self.name

    @property
    def adopt(self) -> Path:
        own = self._package_dir()
        if own is not None and (own / "adopt").is_dir():
            return own / "adopt"
        return paths.adopt_dir() / self.name

    @property
    def has_cli(self) -> bool:
        own = self._package_dir()
        return own is not None and (own / "cli.py").is_file()

    def cli_register(self) -> Callable[[Any], None]:
        """The app's ``register(subparsers)`` (imports the app)."""
        module = importlib.import_module(f"{self.module}.cli")
        return cast("Callable[[Any], None]", module.register)


@cache
def registered() -> Mapping[str, App]:
    """Every registered application by name, sorted by name."""
    found: dict[str, App] = {}
    for ep in entry_points(group=GROUP):
        if ep.name == CORE or not _NAME.fullmatch(ep.name):
            continue  # a history's name: lowercase letters, digits and underscores
        found.setdefault(ep.name, App(name=ep.name, module=ep.value.split(":", 1)[0].strip()))
    return dict(sorted(found.items()))
