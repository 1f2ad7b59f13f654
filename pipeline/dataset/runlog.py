"""The `runs` table's parts (`runs/part-<run_id>.parquet`, one row each), written without pyarrow.

Every ingest records itself in `runs`, the one with nothing to do too: a re-run over an
unchanged folder costs ~0.3 s of CPU, and importing pyarrow (with numpy) to write its row
would cost more than the rest of the run. One row of a handful of flat columns is a small
Parquet file: one row group, one uncompressed PLAIN page per column, the footer in Thrift's
compact protocol (the Parquet format's `parquet.thrift`, written field by field below).
Types are the declared ones (`schemas.tables.RunRow`): strings as UTF8 byte arrays,
integers with their width, timestamps as microseconds since the epoch adjusted to UTC, so
pyarrow, pandas, DuckDB and Spark read the same columns as from pyarrow's own file
(tests/dataset/test_runlog.py reads it with pyarrow and DuckDB).
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.dataset.manifest import write_atomic_bytes
from schemas.arrowtypes import ArrowType
from schemas.tables import RunRow

# Thrift compact protocol type ids
_TRUE, _FALSE, _BYTE, _I32, _I64, _BINARY, _LIST, _STRUCT = 1, 2, 3, 5, 6, 8, 9, 12
_PLAIN, _RLE = 0, 3  # Parquet encodings
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Fields = list[tuple[int, int, Any]]  # (field id, Thrift type, value) in id order


def write_run(out: Path, run: RunRow) -> None:
    """Write (or replace) the `runs` row of one ingest: `runs/part-<run_id>.parquet` (the runs
    log is read from its folder: a run is recorded whether or not a batch was committed)."""
    path = out / "runs" / f"part-{run.run_id}.parquet"
    write_atomic_bytes(path, one_row_parquet(run))


def one_row_parquet(row: Any) -> bytes:
    """A Parquet file holding the dataclass `row` (a declared table's row) as its one row."""
    body = bytearray(b"PAR1")
    chunks: list[Fields] = []
    schema: list[Fields] = [[(4, _BINARY, "schema"), (5, _I32, 0)]]
    for field in dataclasses.fields(row):
        physical, logical, encode = _COLUMN_TYPES[field.metadata["arrow"]]
        required = bool(field.metadata["key"])
        repetition = 0 if required else 1  # REQUIRED, OPTIONAL
        schema.append(
            [(1, _I32, physical), (3, _I32, repetition), (4, _BINARY, field.name), *logical]
        )
        value = getattr(row, field.name)
        page = b"" if required else _definition_level(value is not None)
        page += b"" if value is None else encode(value)
        levels = [(1, _I32, 1), (2, _I32, _PLAIN), (3, _I32, _RLE), (4, _I32, _RLE)]
        header = _struct(
            [(1, _I32, 0), (2, _I32, len(page)), (3, _I32, len(page)), (5, _STRUCT, levels)]
        )
        offset, size = len(body), len(header) + len(page)
        body += header + page
        meta = [
            (1, _I32, physical), (2, _LIST, (_I32, [_PLAIN, _RLE])),
            (3, _LIST, (_BINARY, [field.name])), (4, _I32, 0), (5, _I64, 1),
            (6, _I64, size), (7, _I64, size), (9, _I64, offset),
        ]  # fmt: skip
        chunks.append([(2, _I64, offset), (3, _STRUCT, meta)])
    schema[0][1] = (5, _I32, len(schema) - 1)
    row_group = [
        (1, _LIST, (_STRUCT, chunks)),
        (2, _I64, len(body) - 4),
        (3, _I64, 1),
    ]
    footer = _struct(
        [
            (1, _I32, 1),
            (2, _LIST, (_STRUCT, schema)),
            (3, _I64, 1),
            (4, _LIST, (_STRUCT, [row_group])),
            (6, _BINARY, "ziping runlog"),
        ]
    )
    return bytes(body + footer + struct.pack("<i", len(footer)) + b"PAR1")


def _definition_level(present: bool) -> bytes:
    """A nullable column's one definition level: RLE, bit width 1, a run of one value."""
    run = bytes([1 << 1, 1 if present else 0])
    return struct.pack("<i", len(run)) + run


def _text(value: str) -> bytes:
    data = value.encode("utf-8")
    return struct.pack("<i", len(data)) + data


def _micros(value: datetime) -> bytes:
    delta = value.astimezone(UTC) - _EPOCH
    return struct.pack("<q", (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)


def _int(bits: int) -> list[tuple[int, int, Any]]:
    """The IntType logical type (signed, `bits` wide) and its older converted type."""
    return [(6, _I32, 17 if bits == 32 else 18), (10, _STRUCT, [(10, _STRUCT, [
        (1, _BYTE, bits), (2, _TRUE, True)])])]  # fmt: skip


# Declared type -> (Parquet physical type, logical type fields of SchemaElement, PLAIN value)
_COLUMN_TYPES: dict[ArrowType, tuple[int, Fields, Callable[[Any], bytes]]] = {
    ArrowType("string"): (6, [(6, _I32, 0), (10, _STRUCT, [(1, _STRUCT, [])])], _text),
    ArrowType("int32"): (1, _int(32), lambda v: struct.pack("<i", v)),
    ArrowType("int64"): (2, _int(64), lambda v: struct.pack("<q", v)),
    ArrowType("timestamp", ("us",), "UTC"): (
        2,
        [
            (6, _I32, 10),
            (10, _STRUCT, [(8, _STRUCT, [(1, _TRUE, True), (2, _STRUCT, [(2, _STRUCT, [])])])]),
        ],
        _micros,
    ),
}


# --- Thrift compact protocol ------------------------------------------------------------


def _struct(fields: Fields) -> bytes:
    out = bytearray()
    last = 0
    for field_id, kind, value in fields:
        wire = (_TRUE if value else _FALSE) if kind == _TRUE else kind
        delta = field_id - last
        out += bytes([delta << 4 | wire]) if 0 < delta <= 15 else bytes([wire]) + _zigzag(field_id)
        last = field_id
        if kind != _TRUE:
            out += _value(kind, value)
    return bytes(out + b"\x00")


def _value(kind: int, value: Any) -> bytes:
    if kind in (_I32, _I64):
        return _zigzag(value)
    if kind == _BYTE:
        return bytes([value])
    if kind == _BINARY:
        data: bytes = value.encode("utf-8")
        return _varint(len(data)) + data
    if kind == _STRUCT:
        return _struct(value)
    item, items = value  # a list: (item type, items)
    head = bytes([len(items) << 4 | item]) if len(items) < 15 else bytes([0xF0 | item])
    size = b"" if len(items) < 15 else _varint(len(items))
    return head + size + b"".join(_value(item, i) for i in items)


def _zigzag(number: int) -> bytes:
    return _varint((number << 1) ^ (number >> 63))


def _varint(number: int) -> bytes:
    out = bytearray()
    while number > 0x7F:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    return bytes(out + bytes([number]))
