"""The conversion files: found through the registry, read strictly (a file missing a section or
its header is refused by name, before anything runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from datalayer import apps
from datalayer.adopt import conversions_for, read_conversions
from datalayer.errors import ConfigurationError

GOOD = """-- legacy: users
-- key: l.id
-- name: refuse
SELECT l.id::text AS legacy_key, NULL::text AS reason FROM __legacy__.users AS l
-- name: convert
SELECT 1
-- name: converted
SELECT 0
"""


def test_every_registered_application_ships_its_conversions() -> None:
    for name in apps.registered():
        conversions = conversions_for(name)
        assert conversions, name
        assert len({c.legacy for c in conversions}) == len(conversions)
        for c in conversions:
            assert "__legacy__" in c.refuse and "__legacy__" in c.converted, c.path


def test_a_file_without_a_section_or_header_is_refused(tmp_path: Path) -> None:
    (tmp_path / "01.users.sql").write_text(GOOD)
    (conversion,) = read_conversions(tmp_path)
    assert conversion.legacy == "users" and conversion.key == "l.id"
    assert not conversion.needs_key

    (tmp_path / "01.users.sql").write_text(GOOD.replace("-- name: converted\nSELECT 0\n", ""))
    with pytest.raises(ConfigurationError, match="missing: converted"):
        read_conversions(tmp_path)
    (tmp_path / "01.users.sql").write_text(GOOD.replace("-- legacy: users\n", ""))
    with pytest.raises(ConfigurationError, match="needs `-- legacy:`"):
        read_conversions(tmp_path)
    (tmp_path / "01.users.sql").write_text(GOOD.replace("legacy: users", "legacy: users; drop"))
    with pytest.raises(ConfigurationError, match="not a plain name"):
        read_conversions(tmp_path)


def test_an_unknown_application_is_named() -> None:
    with pytest.raises(ConfigurationError, match="unknown application 'nope'"):
        conversions_for("nope")
