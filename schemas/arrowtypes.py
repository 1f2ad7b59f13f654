"""pyarrow's column types by name, built when a schema is first asked for.

`schemas/tables.py` declares every column with its Arrow type. Importing pyarrow (with the
numpy it loads) costs ~0.4 s of CPU, more than everything else `ziping ingest` does over a
folder where nothing changed; the declarations are imported by every command, so they must
not import it. Each factory here has pyarrow's name and arguments and returns an
`ArrowType`: what the declarations read as, what `arrow()` turns into the pyarrow type, and
what code that writes without pyarrow (pipeline/dataset/runlog.py) matches on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow


@dataclass(frozen=True, slots=True)
class ArrowType:
    """A pyarrow type factory's name and arguments (`decimal128`, (22, 4))."""

    factory: str
    args: tuple[object, ...] = ()
    tz: str | None = None

    def arrow(self) -> pyarrow.DataType:
        return _build(self)

    def __str__(self) -> str:
        """pyarrow's name for the type (`double`, `decimal128(22, 4)`)."""
        return str(self.arrow())


@functools.cache
def _build(kind: ArrowType) -> pyarrow.DataType:
    import pyarrow as pa  # noqa: PLC0415  (the point of this module)

    args = [a.arrow() if isinstance(a, ArrowType) else a for a in kind.args]
    factory = getattr(pa, kind.factory)
    built: pyarrow.DataType = factory(*args, tz=kind.tz) if kind.tz else factory(*args)
    return built


def field(
    name: str, kind: ArrowType, nullable: bool = True, metadata: dict[str, str] | None = None
) -> pyarrow.Field:
    """pyarrow's field of `kind` (pyarrow imported now)."""
    import pyarrow as pa  # noqa: PLC0415

    return pa.field(name, kind.arrow(), nullable=nullable, metadata=metadata)


def schema(fields: list[pyarrow.Field], metadata: dict[str, str]) -> pyarrow.Schema:
    import pyarrow as pa  # noqa: PLC0415

    return pa.schema(fields, metadata=metadata)


def string() -> ArrowType:
    return ArrowType("string")


def bool_() -> ArrowType:
    return ArrowType("bool_")


def int32() -> ArrowType:
    return ArrowType("int32")


def int64() -> ArrowType:
    return ArrowType("int64")


def float64() -> ArrowType:
    return ArrowType("float64")


def decimal128(precision: int, scale: int) -> ArrowType:
    return ArrowType("decimal128", (precision, scale))


def timestamp(unit: str, tz: str | None = None) -> ArrowType:
    return ArrowType("timestamp", (unit,), tz)


def list_(item: ArrowType) -> ArrowType:
    return ArrowType("list_", (item,))
