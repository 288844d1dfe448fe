"""``datalayer gen [--check] [SCHEMA ...]``: typed modules from the SQL, and the CI staleness check.

For each application schema (a folder under ``sql/``) the queries are loaded with
:func:`datalayer.queries.load` (the SQL that runs is the SQL that is described), prepared against a
migrated database, analysed for nullability, and rendered to ``datalayer/<schema>/_queries.py``
(models, enums, one typed async function per query, the SQL hashes) plus a re-exporting
``datalayer/<schema>/__init__.py``. ``--check`` renders in memory and exits 1 with a unified diff
when a file is stale, missing or orphaned.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TextIO

from datalayer.errors import DataLayerError
from datalayer.paths import sql_dir
from datalayer.queries import Operation, Query, QueryLoadError, load

from . import add_arguments, hints, nullability
from .describe import Catalog, Description, GenError, describe
from .emit import HEADER, Column, Param, Plan, field_name, render_init, render_module
from .pytypes import TypeMapper

__all__ = ["GenResult", "add_arguments", "generate", "main", "run_gen"]

PACKAGE_DIR = Path(__file__).resolve().parent.parent
GENERATED_FILES = ("_queries.py",)


@dataclass
class GenResult:
    files: dict[Path, str] = field(default_factory=dict)  # generated: absolute path -> content
    packages: dict[Path, str] = field(default_factory=dict)  # __init__.py scaffolds, if missing
    warnings: list[str] = field(default_factory=list)


def _doc_location(query: Query, needle: str) -> str:
    """``file:line:column`` of the first line of the query's comments that contains ``needle``."""
    try:
        lines = query.path.read_text().split("\n")
    except OSError:
        return query.location()
    for number in range(max(query.line, 1), len(lines) + 1):
        column = lines[number - 1].find(needle)
        if column >= 0:
            return f"{query.path}:{number}:{column + 1}"
    return query.location()


def _plan(d: Description, catalog: Catalog, mapper: TypeMapper, problems: list[str]) -> Plan:
    query = d.query
    ann = hints.parse(query.doc)
    where = f"query {query.qualified_name}"
    for problem, line in zip(ann.problems, ann.problem_lines, strict=True):
        problems.append(f"{_doc_location(query, line)}: {where}: {problem}")
    hinted = frozenset(
        i + 1 for i, name in enumerate(query.params) if ann.params.get(name, (None, False))[1]
    )
    try:
        facts = nullability.analyze(query.sql, catalog, catalog.retset, hinted)
    except GenError as exc:
        facts = nullability.QueryFacts(columns=None, problems=[str(exc)])
    for number, offset in facts.literal_typed:
        name = query.params[number - 1] if 0 < number <= len(query.params) else f"${number}"
        problems.append(
            f"{query.location(offset + 1)}: {where}: parameter :{name} takes its type from an "
            f"integer literal in coalesce(), not from its context; cast it, e.g. :{name}::numeric"
        )
    for number, casts in sorted(facts.conflicting_casts.items()):
        name = query.params[number - 1] if 0 < number <= len(query.params) else f"${number}"
        kinds = " and ".join(family for family, _ in casts)
        problems.append(
            f"{query.location(casts[1][1] + 1)}: {where}: parameter :{name} is used as {kinds}; "
            "one parameter has one type: use two parameters or one cast"
        )
    warnings: list[str] = []

    if len(d.param_oids) != len(query.params):  # pragma: no cover - aiosql and the server agree
        problems.append(
            f"{where}: {len(query.params)} parameters, the server reports {len(d.param_oids)}"
        )
    params: list[Param] = []
    for i, name in enumerate(query.params):
        if not name.isidentifier() or name in ("conn", "rows"):
            problems.append(
                f"{query.param_location(name)}: {where}: parameter :{name} cannot be a Python "
                "keyword argument"
            )
            continue
        imported, annotated_null = ann.params.get(name, (None, False))
        ptype = (
            TypeMapper.imported(imported) if imported else mapper.map(d.param_oids[i], param=True)
        )
        plain = ann.param_types.get(name)
        if plain is not None and plain != ptype.expr:
            problems.append(
                f"{_doc_location(query, '@param ' + name)}: {where}: @param {name}: {plain} is "
                f"not the parameter's type ({ptype.expr}); write '@param {name}: "
                f"{ptype.expr} | None' or name an importable type (package.module:Type)"
            )
        nullable = annotated_null or (i + 1) in facts.nullable_params
        params.append(Param(name, ptype, nullable))
    for name in sorted(ann.params.keys() - set(query.params)):
        problems.append(
            f"{_doc_location(query, '@param ' + name)}: {where}: @param {name}: no such parameter"
        )
    for name in sorted(ann.sensitive - set(query.params)):
        problems.append(
            f"{_doc_location(query, '@sensitive')}: {where}: @sensitive {name}: no such parameter"
        )

    columns: list[Column] = []
    ast_cols = (
        facts.columns
        if facts.columns is not None and len(facts.columns) == len(d.columns)
        else None
    )
    seen: set[str] = set()
    for j, cd in enumerate(d.columns):
        base, forced = hints.split_alias(cd.name)
        if cd.name == "?column?":
            problems.append(
                f"{query.location()}: {where}: result column {j + 1} has no name; add AS <name>"
            )
            continue
        if not base.isidentifier():
            problems.append(
                f"{query.location()}: {where}: result column {base!r} is not a Python identifier"
            )
            continue
        fname = field_name(base)
        if fname in seen:
            problems.append(f"{query.location()}: {where}: duplicate result column {base!r}")
            continue
        seen.add(fname)
        if forced is not None:
            nonnull = forced
        elif base in ann.nonnull:
            nonnull = True
        elif base in ann.nullable:
            nonnull = False
        else:
            tri = ast_cols[j].nonnull if ast_cols is not None else None
            if tri is None:
                why = ast_cols[j].why if ast_cols is not None else "; ".join(facts.problems)
                if ast_cols is None and not why:
                    why = "the columns of the syntax tree do not match the described ones"
                at = ast_cols[j].location if ast_cols is not None else facts.fail_location
                warnings.append(
                    f"{query.location(at + 1 if at >= 0 else None)}: {where}: column {j + 1} "
                    f"({base}): nullability "
                    f"undecided ({why}); "
                    f"generated as nullable: annotate with `-- @nonnull {base}` or "
                    f"`-- @nullable {base}`"
                )
            nonnull = bool(tri)
        spec = ann.types.get(base)
        ctype = TypeMapper.imported(spec) if spec else mapper.map(cd.type_oid)
        allowed = catalog.literals.get((cd.table_oid, cd.attnum)) if cd.table_oid else None
        if allowed and not spec and ctype.expr == "str":
            # the column's own value (the server reports its origin): its CHECK ... IN list
            ctype = TypeMapper.literal(allowed)
        attr = catalog.attribute(cd.table_oid, cd.attnum) if cd.table_oid else None
        columns.append(
            Column(cd.name, fname, ctype, not nonnull, attr.comment if attr else None, cd.table_oid)
        )
    names = {hints.split_alias(c.name)[0] for c in d.columns}
    for name in sorted((ann.nonnull | ann.nullable | ann.types.keys()) - names):
        problems.append(
            f"{_doc_location(query, name)}: {where}: annotation names {name!r}, which is not "
            "a result column"
        )

    op = query.operation
    if op in (Operation.SELECT, Operation.SELECT_ONE, Operation.SELECT_VALUE) and not d.columns:
        problems.append(
            f"{query.location()}: {where}: the statement returns no columns; use the ! operator"
        )
    if op is Operation.INSERT_RETURNING and not d.columns:
        problems.append(f"{query.location()}: {where}: <! needs a RETURNING clause")
    return Plan(
        query=query,
        doc=ann.doc,
        params=params,
        columns=columns,
        single_row=facts.single_row,
        model_hint=ann.model,
        warnings=warnings,
    )


def _load_expr(schema: str, sql_root: Path, out_dir: Path) -> tuple[str, set[tuple[str, str]]]:
    if sql_root.resolve() == sql_dir().resolve():
        return f"load({schema!r})", set()
    rel = os.path.relpath(sql_root.resolve(), out_dir.resolve())
    return f"load({schema!r}, Path(__file__).resolve().parent / {Path(rel).as_posix()!r})", {
        ("pathlib", "Path")
    }


# The formatter is part of the generator (the `gen` extra pins it), run with fixed settings, so a
# module comes out byte-identical in any environment and whatever configuration the user's project
# has: the output depends on the SQL, the database and this package's version only.
_FORMAT_SETTINGS: Final = (
    "--isolated",
    "--line-length",
    "100",
    "--target-version",
    "py311",
)


def _ruff() -> str:
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError:
        raise GenError(
            "datalayer gen needs its extra (the query parser and the formatter it pins): "
            "pip install 'datalayer-pg[gen]'"
        ) from None
    return str(find_ruff_bin())


def _format(text: str, path: Path) -> str:
    """Import sort, unused imports removed, and formatting, by the pinned ruff with fixed
    settings (never the project's configuration)."""
    ruff = _ruff()
    fixed = subprocess.run(
        [
            ruff,
            "check",
            *_FORMAT_SETTINGS,
            "--config",
            'lint.isort.known-first-party = ["datalayer"]',
            "--fix",
            "--select",
            "I,F401",
            "--quiet",
            "--exit-zero",
            "--stdin-filename",
            path.name,
            "-",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    if fixed.returncode != 0 or not fixed.stdout:
        raise GenError(f"ruff check --fix failed on {path}: {fixed.stderr.strip()}")
    formatted = subprocess.run(
        [ruff, "format", *_FORMAT_SETTINGS, "--quiet", "--stdin-filename", path.name, "-"],
        input=fixed.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    if formatted.returncode != 0:
        raise GenError(f"ruff format failed on {path}: {formatted.stderr.strip()}")
    return formatted.stdout


def generate(
    url: str, schemas: Sequence[str], *, sql_root: Path | None = None, out_root: Path | None = None
) -> GenResult:
    """Render every schema's files in memory."""
    root = sql_root or sql_dir()
    out = out_root or PACKAGE_DIR
    result = GenResult()
    loaded: dict[str, list[Query]] = {}
    for schema in schemas:
        if not schema.isidentifier():
            raise GenError(f"schema {schema!r} is not a Python package name")
        try:
            loaded[schema] = list(load(schema, root).values())
        except QueryLoadError as exc:
            raise GenError(str(exc)) from exc  # QueryLoadError says file:line:column
    everything = [q for qs in loaded.values() for q in qs]
    names = set().union(*(nullability.relation_names(q.sql) for q in everything))
    funcs = set().union(*(nullability.function_names(q.sql) for q in everything))
    descriptions, catalog = describe(url, everything, names, funcs)
    by_query = {id(d.query): d for d in descriptions}
    problems: list[str] = []
    for schema, queries in loaded.items():
        mapper = TypeMapper(catalog)
        plans: list[Plan] = []
        for query in queries:
            d = by_query.get(id(query))
            if d is None:  # a script (#): nothing to describe
                plans.append(Plan(query, hints.parse(query.doc).doc, [], [], False, None))
                continue
            plans.append(_plan(d, catalog, mapper, problems))
        plans.sort(key=lambda p: p.query.name)
        for plan in plans:
            result.warnings.extend(plan.warnings)
        if problems:
            continue
        out_dir = out / schema
        load_expr, extra = _load_expr(schema, root, out_dir)
        module = render_module(schema, plans, catalog, mapper, load_expr, extra)
        mod_path = out_dir / "_queries.py"
        result.files[mod_path] = _format(module, mod_path)
        result.packages[out_dir / "__init__.py"] = render_init(schema)
    if problems:
        raise GenError("cannot generate:\n  " + "\n  ".join(problems))
    return result


def _is_generated(path: Path) -> bool:
    try:
        return path.read_text().startswith(HEADER)
    except OSError:
        return False


def _orphans(out: Path, schemas: Sequence[str], explicit: bool, produced: set[Path]) -> list[Path]:
    if not out.is_dir():
        return []
    candidates = (
        [out / s for s in schemas] if explicit else sorted(p for p in out.iterdir() if p.is_dir())
    )
    found = []
    for folder in candidates:
        for name in GENERATED_FILES:
            path = folder / name
            if path not in produced and path.is_file() and _is_generated(path):
                found.append(path)
    return found


@contextlib.contextmanager
def _scratch_at_head(err: TextIO) -> Iterator[str]:
    """A scratch database on the server at ``DATABASE_URL``, migrated from nothing (the database
    at ``DATABASE_URL`` itself is never migrated)."""
    from datalayer import migrate
    from datalayer.urls import resolve_url

    with migrate.scratch_database(resolve_url(None), suffix="_gen") as scratch:
        migrate.apply(scratch, quiet=True)
        print("described the queries against a scratch database migrated to head", file=err)
        yield scratch


def run_gen(
    url: str | None,
    schemas: Sequence[str],
    check: bool,
    *,
    sql_root: Path | None = None,
    out_root: Path | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Generate (or with ``check``, compare) the typed modules. 0: done / up to date; 1: stale."""
    out_stream = stdout or sys.stdout
    err = stderr or sys.stderr
    root = sql_root or sql_dir()
    out = out_root or PACKAGE_DIR
    explicit = bool(schemas)
    wanted = list(schemas) if explicit else sorted(p.name for p in root.iterdir() if p.is_dir())
    present = [s for s in wanted if (root / s).is_dir()]
    with contextlib.ExitStack() as stack:
        if url is None:
            url = stack.enter_context(_scratch_at_head(err))
        result = generate(url, present, sql_root=root, out_root=out)
    for warning in result.warnings:
        print(f"warning: {warning}", file=err)
    orphans = _orphans(out, wanted, explicit, set(result.files))
    cwd = Path.cwd()

    def show(path: Path) -> str:
        try:
            return str(path.relative_to(cwd))
        except ValueError:
            return str(path)

    if check:
        bad = 0
        for path, text in sorted(result.files.items()):
            current = path.read_text() if path.is_file() else None
            if current == text:
                continue
            bad += 1
            label = "stale" if current is not None else "missing"
            print(f"{label}: {show(path)}", file=err)
            out_stream.writelines(
                difflib.unified_diff(
                    (current or "").splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    fromfile=f"a/{show(path)}",
                    tofile=f"b/{show(path)}",
                )
            )
        for path in sorted(result.packages):
            if not path.is_file():
                bad += 1
                print(f"missing: {show(path)} (the package's hand-written __init__.py)", file=err)
        for path in orphans:
            bad += 1
            print(f"orphaned: {show(path)} (its sql/ folder is gone)", file=err)
            out_stream.writelines(
                difflib.unified_diff(
                    path.read_text().splitlines(keepends=True),
                    [],
                    fromfile=f"a/{show(path)}",
                    tofile="/dev/null",
                )
            )
        if bad:
            print(f"{bad} generated file(s) out of date: run `datalayer gen`", file=err)
            return 1
        print(f"ok: {len(result.files)} generated file(s) up to date", file=err)
        return 0
    foreign = [p for p in sorted(result.files) if p.is_file() and not _is_generated(p)]
    if foreign:
        raise GenError(
            "refusing to overwrite files that were not generated (no DO NOT EDIT header): "
            + ", ".join(show(p) for p in foreign)
        )
    for path, text in sorted(result.files.items()):
        current = path.read_text() if path.is_file() else None
        if current == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {show(path)}", file=out_stream)
    for path, text in sorted(result.packages.items()):
        if not path.is_file():
            path.write_text(text)
            print(f"wrote {show(path)} (once; yours to edit)", file=out_stream)
    for path in orphans:
        path.unlink()
        print(f"removed {show(path)}", file=out_stream)
    return 0


def run_from_args(args: argparse.Namespace) -> int:
    """Run ``datalayer gen``; a query the generator cannot type is reported and exits 1."""
    try:
        return run_gen(
            args.database_url,
            args.schemas,
            args.check,
            sql_root=Path(args.sql_dir) if args.sql_dir else None,
            out_root=Path(args.out_dir) if args.out_dir else None,
        )
    except (GenError, QueryLoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="datalayer gen", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run_from_args(args)
    except DataLayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
