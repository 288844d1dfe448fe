"""PostgreSQL types -> the Python types asyncpg produces (with the pool's jsonb codec)."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from .describe import Catalog, GenError, PgType

__all__ = ["PyType", "TypeMapper", "camel", "enum_member"]

_INSTANCE = (("pydantic", "InstanceOf"),)
_NUMERIC = (("datalayer.gen.runtime", "Numeric"),)

_SCALARS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "bool": ("bool", ()),
    "int2": ("int", ()),
    "int4": ("int", ()),
    "int8": ("int", ()),
    "oid": ("int", ()),
    "xid": ("int", ()),
    "xid8": ("int", ()),
    "cid": ("int", ()),
    "pg_lsn": ("int", ()),  # asyncpg decodes an LSN to its 64-bit integer
    "float4": ("float", ()),
    "float8": ("float", ()),
    "numeric": ("Numeric", _NUMERIC),  # Decimal, NaN and infinities allowed
    "money": ("str", ()),
    "text": ("str", ()),
    "varchar": ("str", ()),
    "bpchar": ("str", ()),
    "char": ("bytes", ()),  # the one-byte "char": asyncpg returns bytes
    "name": ("str", ()),
    "citext": ("str", ()),
    "uuid": ("UUID", (("uuid", "UUID"),)),
    "date": ("date", (("datetime", "date"),)),
    "time": ("time", (("datetime", "time"),)),
    "timetz": ("time", (("datetime", "time"),)),
    "timestamp": ("NaiveDatetime", (("pydantic", "NaiveDatetime"),)),
    "timestamptz": ("AwareDatetime", (("pydantic", "AwareDatetime"),)),
    "interval": ("timedelta", (("datetime", "timedelta"),)),
    "bytea": ("bytes", ()),
    "json": ("JsonValue", (("pydantic", "JsonValue"),)),
    "jsonb": ("JsonValue", (("pydantic", "JsonValue"),)),
    "int2vector": ("list[int]", ()),
    "oidvector": ("list[int]", ()),
    "inet": (
        "IPv4Address | IPv6Address | IPv4Interface | IPv6Interface",
        tuple(
            ("ipaddress", n)
            for n in ("IPv4Address", "IPv6Address", "IPv4Interface", "IPv6Interface")
        ),
    ),
    "cidr": (
        "IPv4Network | IPv6Network",
        (("ipaddress", "IPv4Network"), ("ipaddress", "IPv6Network")),
    ),
    "void": ("None", ()),
}
# asyncpg's own classes for the geometric and bit-string types (validated with isinstance)
for _pg, _py in (
    ("point", "Point"),
    ("box", "Box"),
    ("circle", "Circle"),
    ("line", "Line"),
    ("lseg", "LineSegment"),
    ("path", "Path"),
    ("polygon", "Polygon"),
    ("bit", "BitString"),
    ("varbit", "BitString"),
):
    _SCALARS[_pg] = (f"InstanceOf[{_py}]", (*_INSTANCE, ("asyncpg", _py)))

#: Parameters take what asyncpg encodes: any datetime for timestamps, a plain Decimal.
_PARAM_SCALARS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "numeric": ("Decimal", (("decimal", "Decimal"),)),
    "timestamp": ("datetime", (("datetime", "datetime"),)),
    "timestamptz": ("datetime", (("datetime", "datetime"),)),
}


def camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", name) if p)


def enum_member(label: str) -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_").upper() or "EMPTY"
    if name[0].isdigit():
        name = "V_" + name
    if keyword.iskeyword(name):
        name += "_"
    return name


@dataclass(frozen=True)
class PyType:
    expr: str
    imports: frozenset[tuple[str, str]] = frozenset()
    enums: frozenset[int] = frozenset()  # enum type oids to emit
    composites: frozenset[int] = frozenset()  # composite type oids to emit
    union: bool = False  # expr is a union (needs no parentheses with | None)
    #: named by an ``@type`` annotation, not mapped from the column's PostgreSQL type
    annotated: bool = False

    def optional(self, nullable: bool) -> str:
        if not nullable or self.expr in ("None", "object"):
            return self.expr
        return f"{self.expr} | None"


@dataclass
class TypeMapper:
    catalog: Catalog
    names: dict[int, str] = field(default_factory=dict)  # enum / composite oid -> class name

    def class_name(self, t: PgType) -> str:
        name = self.names.get(t.oid)
        if name is None:
            name = camel(t.name)
            if name in self.names.values():
                name = camel(f"{t.schema}_{t.name}")
            self.names[t.oid] = name
        return name

    def map(self, oid: int, *, param: bool = False) -> PyType:
        """The Python type of a value of type ``oid`` (``param``: as a query argument)."""
        t = self.catalog.resolve(oid)
        if t is None:
            raise GenError(f"type oid {oid} is not in the catalog")
        if t.elem and t.category == "A":
            inner = self.map(t.elem, param=param)
            # Array elements may be NULL whatever the column's constraints say (an argument's
            # elements are what the caller passes: list is invariant, so they stay as given).
            element = inner.expr if param else inner.optional(True)
            return PyType(f"list[{element}]", inner.imports, inner.enums, inner.composites)
        if t.typtype == "e":
            return PyType(self.class_name(t), enums=frozenset({t.oid}))
        if t.typtype == "c":
            return PyType(self.class_name(t), composites=frozenset({t.oid}))
        if t.typtype == "r" and t.range_subtype:
            bound = self.map(t.range_subtype, param=param)
            return PyType(
                f"PgRange[{bound.expr}]",
                bound.imports | {("datalayer.gen.runtime", "PgRange")},
                bound.enums,
                bound.composites,
            )
        if t.typtype == "m" and t.multirange_of:
            inner = self.map(t.multirange_of, param=param)
            return PyType(f"list[{inner.expr}]", inner.imports, inner.enums, inner.composites)
        if t.typtype in ("r", "m") or t.name == "record":
            return PyType("object")
        scalar = None
        if t.schema == "pg_catalog" or t.name == "citext":
            scalar = (_PARAM_SCALARS.get(t.name) if param else None) or _SCALARS.get(t.name)
        if scalar is None:
            return PyType("str")  # asyncpg decodes types it has no codec for as text
        expr, imports = scalar
        return PyType(expr, frozenset(imports), union="|" in expr)

    @staticmethod
    def literal(values: tuple[str, ...]) -> PyType:
        """``Literal[...]`` of the values a CHECK constraint allows."""
        return PyType(
            f"Literal[{', '.join(repr(v) for v in values)}]", frozenset({("typing", "Literal")})
        )

    @staticmethod
    def imported(spec: str) -> PyType:
        """``package.module:Type`` -> the type, imported."""
        module, _, name = spec.partition(":")
        return PyType(name, frozenset({(module, name)}), annotated=True)
