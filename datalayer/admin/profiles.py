"""Environment profiles: ``DATALAYER_ENV`` = ``development`` (the default), ``test`` or
``production``.

A profile does two things:

* it gives settings defaults of its own (:data:`DEFAULTS`), below anything the environment or
  ``.env`` sets: :func:`load_settings` is :meth:`Settings.load` with the profile's defaults;
* it guards destructive commands: ``datalayer reset`` and ``datalayer sample`` refuse to run in
  ``production``.

``.env.<profile>.example`` files are generated from the settings model with each profile's
defaults (:func:`env_example`; a test keeps them in sync).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from dotenv import dotenv_values

from ..errors import ConfigurationError
from ..settings import SEED_ALIASES, Settings
from ..settings import env_example as base_env_example

__all__ = [
    "DEFAULTS",
    "VARIABLE",
    "Profile",
    "current",
    "env_example",
    "load_settings",
    "refuse_in_production",
]

VARIABLE: Final = "DATALAYER_ENV"


class Profile(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


#: Settings defaults per profile (the settings model's own defaults apply to everything else).
DEFAULTS: Final[Mapping[Profile, Mapping[str, Any]]] = {
    # small pool, every query logged, slow queries flagged early, fail fast when nothing runs
    Profile.DEVELOPMENT: {
        "pool_size": 5,
        "max_overflow": 5,
        "echo": True,
        "slow_query_ms": 200.0,
        "connect_retries": 0,
    },
    # tiny pool, short timeouts, no retries: a broken test fails at once
    Profile.TEST: {
        "pool_size": 2,
        "max_overflow": 4,
        "pool_min_size": 0,
        "connect_retries": 0,
        "command_timeout": 30.0,
        "slow_query_ms": 0.0,
    },
    # dead connections replaced before use, TLS required, retries while the database starts
    Profile.PRODUCTION: {
        "pool_pre_ping": True,
        "ssl_mode": "require",
        "connect_retries": 5,
        "echo": False,
        "echo_parameters": False,
    },
}

_PURPOSE: Final = {
    Profile.DEVELOPMENT: "a developer's machine: small pool, every query logged",
    Profile.TEST: "the test suite and CI: tiny pool, short timeouts, no retries",
    Profile.PRODUCTION: "a deployed service: TLS required, pre-ping, retries; reset and sample "
    "refused",
}


def _dotenv() -> dict[str, str]:
    path = Path(".env")
    if not path.is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def current() -> Profile:
    """The profile ``DATALAYER_ENV`` names (environment, then ``.env``); development if unset."""
    raw = os.environ.get(VARIABLE) or _dotenv().get(VARIABLE) or Profile.DEVELOPMENT.value
    try:
        return Profile(raw.strip().lower())
    except ValueError:
        raise ConfigurationError(
            f"{VARIABLE} must be one of {', '.join(p.value for p in Profile)}",
            variable=VARIABLE,
        ) from None


def _variables(name: str) -> tuple[str, ...]:
    return (f"DATABASE_{name.upper()}", *SEED_ALIASES.get(name, ()))


def load_settings(profile: Profile | None = None, **overrides: Any) -> Settings:
    """:meth:`Settings.load` with ``profile``'s defaults (default: :func:`current`) for every
    setting that neither the environment, ``.env`` nor ``overrides`` sets."""
    chosen = profile or current()
    given = {k.upper() for k in os.environ} | {k.upper() for k in _dotenv()}
    values = {
        name: value
        for name, value in DEFAULTS[chosen].items()
        if name not in overrides and not any(v in given for v in _variables(name))
    }
    return Settings.load(**values, **overrides)


def refuse_in_production(command: str) -> None:
    """:class:`ConfigurationError` when the profile is production."""
    if current() is Profile.PRODUCTION:
        raise ConfigurationError(
            f"{command} is refused when {VARIABLE}=production (it destroys or invents data)",
            variable=VARIABLE,
        )


def env_example(profile: Profile) -> str:
    """The text of ``.env.<profile>.example``: the settings model's ``.env.example`` with
    ``DATALAYER_ENV`` set and the profile's defaults written out."""
    lines = [ln for ln in base_env_example().splitlines() if "Generated from" not in ln
             and "from datalayer.settings import env_example" not in ln]  # fmt: skip
    head = [
        f"# Profile {profile.value}: {_PURPOSE[profile]}.",
        "# Generated from datalayer.admin.profiles (a test keeps it in sync):",
        "#   python -m datalayer.admin.profiles",
        f"{VARIABLE}={profile.value}",
        "",
    ]
    out: list[str] = []
    for line in lines:
        for name, value in DEFAULTS[profile].items():
            variable = f"DATABASE_{name.upper()}"
            if line.startswith((f"# {variable}=", f"{variable}=")):
                out.append(f"# ({profile.value} profile default)")
                line = f"{variable}={_text(value)}"
                break
        out.append(line)
    if profile is Profile.PRODUCTION:
        out = [
            "DATABASE_URL=postgresql://user:password@db.example.com:5432/app"
            if ln.startswith("DATABASE_URL=")
            else ln
            for ln in out
        ]
    return "\n".join(head + out) + "\n"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def example_path(root: Path, profile: Profile) -> Path:
    return root / f".env.{profile.value}.example"


if __name__ == "__main__":
    from ..paths import project_root

    for p in Profile:
        example_path(project_root(), p).write_text(env_example(p), encoding="utf-8")
        print(example_path(project_root(), p))
