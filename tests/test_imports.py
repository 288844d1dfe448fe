"""The toolkit imports no application and applications import no other one: the import-linter
contracts in pyproject.toml (run by `make lint`) must name every toolkit module and every app."""

from __future__ import annotations

import tomllib
from pathlib import Path

from datalayer import apps

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "datalayer"


def _contracts() -> dict[str, dict[str, list[str]]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {c["type"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _top_level_modules() -> set[str]:
    names = set()
    for path in PACKAGE.iterdir():
        if path.name.startswith("_") or path.name == "__pycache__":
            continue
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").is_file()):
            names.add(f"datalayer.{path.stem}")
    return names


def test_contracts_name_every_toolkit_module_and_every_app() -> None:
    contracts = _contracts()
    app_modules = {a.module for a in apps.registered().values()}
    assert app_modules == {f"datalayer.{n}" for n in apps.registered()}
    forbidden = contracts["forbidden"]
    assert set(forbidden["forbidden_modules"]) == app_modules
    assert set(contracts["independence"]["modules"]) == app_modules
    toolkit = _top_level_modules() - app_modules
    assert set(forbidden["source_modules"]) == toolkit, (
        "a toolkit module is missing from the import contract in pyproject.toml"
    )


def test_the_toolkit_finds_apps_without_importing_them() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from datalayer import apps, migrate; "
        "migrate.resolve_sources(); assert len(apps.registered()) == 5; "
        "loaded = [m for m in sys.modules if m.split('.')[:2] == ['datalayer', 'fintech']]; "
        "print(loaded)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
