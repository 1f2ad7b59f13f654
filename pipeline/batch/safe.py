"""Every row a document produces, made to fit the declared schema inside its own safety net.

Printed numbers have no upper bound: a budget of 10^20 元 is beyond `decimal128(22, 4)`, a
309-digit score is a float that turns into infinity at the first sum, and a file name in GBK
bytes (how Chinese Windows zips unpack on Linux) is not UTF-8. Checked when the dataset is
written, any of these stopped the whole batch (and, stored, the report for everyone). Here a
value that cannot be stored or computed with becomes null beside the raw text its row keeps,
with a VALUE_OUT_OF_RANGE finding naming it; a name is stored with its undecodable bytes
escaped (`\\xb9`), so the original bytes can be recovered.
"""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal
from typing import Any

import pyarrow as pa

from pipeline.batch.names import stored_path
from schemas import ids
from schemas.place import Place, finding_at
from schemas.tables import FindingRow, arrow_schema

LARGEST = 1e15
"""Larger magnitudes are no printed score, rate or amount in 元 (10^15 元 is a thousand
trillion), and sums of them lose every digit that matters."""


def fit_rows(table: str, rows: list[Any], place: Place) -> tuple[list[Any], list[FindingRow]]:
    """`rows` with every value the schema cannot hold set to null; one finding per value."""
    checks = [(f.name, f.type) for f in arrow_schema(table)]
    fitted: list[Any] = []
    found: list[FindingRow] = []
    for row in rows:
        changes: dict[str, Any] = {}
        for name, kind in checks:
            value = getattr(row, name, None)
            if value is None:
                continue
            if isinstance(value, str):
                text = stored_path(value)
                if text is not value:
                    changes[name] = text
            elif not _fits(value, kind):
                changes[name] = None
                found.append(_finding(table, row, name, value, place, len(found)))
        fitted.append(dataclasses.replace(row, **changes) if changes else row)
    return fitted, found


def _fits(value: Any, kind: pa.DataType) -> bool:
    if pa.types.is_floating(kind):
        return isinstance(value, int | float) and math.isfinite(value) and abs(value) < LARGEST
    if pa.types.is_decimal(kind) and isinstance(value, Decimal | int):
        return _fits_decimal(Decimal(value), int(kind.precision), int(kind.scale))
    if pa.types.is_integer(kind) and isinstance(value, int) and not isinstance(value, bool):
        bits = int(kind.bit_width) - 1
        return -(1 << bits) <= value < (1 << bits)
    return True


def _fits_decimal(exact: Decimal, precision: int, scale: int) -> bool:
    if not exact.is_finite():
        return False
    if exact.is_zero():
        return True
    exponent = exact.as_tuple().exponent
    whole = exact.adjusted() < precision - scale  # digits before the point
    return whole and isinstance(exponent, int) and exponent >= -scale


def _finding(table: str, row: Any, name: str, value: Any, place: Place, ordinal: int) -> FindingRow:
    table_id = getattr(row, "table_id", None)
    indicator_id = getattr(row, "indicator_id", None) if table == "indicators" else None
    subject = indicator_id or table_id or ids.short(place.doc_id)
    text = str(value)
    shown = text if len(text) <= 40 else f"{text[:20]}…({len(text)} chars)"
    return finding_at(
        dataclasses.replace(place, table_id=table_id, indicator_id=indicator_id),
        ids.finding_id(subject, "VALUE_OUT_OF_RANGE", name, ordinal),
        "VALUE_OUT_OF_RANGE",
        (
            f"{table}.{name} 的数值 {shown} 超出可存储或计算的范围，已置空，原文保留",
            f"{table}.{name} value {shown} is beyond what can be stored or computed with; "
            "stored as null, the printed text is kept",
        ),
        (shown, None, None),
    )
