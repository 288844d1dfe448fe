"""Annotations in a query's ``--`` comment lines (aiosql hands them over as the docstring).

    -- @nonnull col[, col ...]          the column is never NULL
    -- @nullable col[, col ...]         the column may be NULL
    -- @type col: package.module:Type   the column's Python type (typed jsonb shapes)
    -- @param p: T | None               the parameter accepts None (``T`` may be package.module:Type)
    -- @model Name                      the name of the result model

Column aliases ``AS "col!"`` (non-null) and ``AS "col?"`` (nullable) work as in pgtyped and sqlx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Annotations", "parse", "split_alias"]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IMPORT = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


@dataclass
class Annotations:
    doc: str = ""
    nonnull: set[str] = field(default_factory=set)
    nullable: set[str] = field(default_factory=set)
    types: dict[str, str] = field(default_factory=dict)  # column -> "pkg.mod:Type"
    params: dict[str, tuple[str | None, bool]] = field(default_factory=dict)  # (import, nullable)
    param_types: dict[str, str] = field(default_factory=dict)  # p -> the plain type it names
    model: str | None = None
    sensitive: set[str] = field(default_factory=set)  # parameters masked in query logs
    problems: list[str] = field(default_factory=list)
    problem_lines: list[str] = field(default_factory=list)  # the comment text of each problem


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.replace(",", " ").split() if n.strip()]


def parse(doc: str) -> Annotations:
    """Split ``doc`` into the human text and the ``@`` annotations."""
    result = Annotations()
    text: list[str] = []
    for raw in doc.splitlines():
        line = raw.strip()
        if not line.startswith("@"):
            text.append(raw.rstrip())
            continue
        keyword, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        before = len(result.problems)
        _annotation(result, keyword, rest, line)
        result.problem_lines.extend(line for _ in range(len(result.problems) - before))
    while text and not text[-1]:
        text.pop()
    result.doc = "\n".join(text).strip()
    return result


def _annotation(result: Annotations, keyword: str, rest: str, line: str) -> None:
    if keyword in ("nonnull", "nullable"):
        names = _names(rest)
        if not names or not all(_IDENT.match(n) for n in names):
            result.problems.append(f"@{keyword} needs column names: {line!r}")
        (result.nonnull if keyword == "nonnull" else result.nullable).update(names)
    elif keyword == "type":
        col, sep, typ = rest.partition(":")
        typ = typ.strip()
        if not sep or not _IDENT.match(col.strip()) or not _IMPORT.match(typ):
            result.problems.append(f"expected '@type col: package.module:Type', got {line!r}")
            return
        result.types[col.strip()] = typ
    elif keyword == "param":
        name, sep, typ = rest.partition(":")
        parts = [p.strip() for p in typ.split("|")]
        nullable = "None" in parts
        named = [p for p in parts if p and p != "None"]
        if not sep or not _IDENT.match(name.strip()) or len(named) > 1:
            result.problems.append(f"expected '@param p: T | None', got {line!r}")
            return
        imported = named[0] if named and _IMPORT.match(named[0]) else None
        result.params[name.strip()] = (imported, nullable)
        if named and imported is None:
            result.param_types[name.strip()] = named[0]
    elif keyword == "sensitive":
        # masked in query logs at run time (datalayer.queries); gen checks the names only
        names = _names(rest)
        if not names or not all(_IDENT.match(n) for n in names):
            result.problems.append(f"@sensitive needs parameter names: {line!r}")
        result.sensitive.update(names)
    elif keyword == "model":
        if not _IDENT.match(rest):
            result.problems.append(f"expected '@model Name', got {line!r}")
            return
        result.model = rest
    else:
        result.problems.append(
            f"unknown annotation {line!r} (known: @nonnull, @nullable, @type, @param, @model, "
            "@sensitive)"
        )


def split_alias(name: str) -> tuple[str, bool | None]:
    """``"col!"`` -> (col, True); ``"col?"`` -> (col, False); else (name, None)."""
    if name.endswith("!"):
        return name[:-1], True
    if name.endswith("?"):
        return name[:-1], False
    return name, None
