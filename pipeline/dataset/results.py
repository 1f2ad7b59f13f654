"""A query's answer as `ziping query` prints it: an aligned text table, CSV, JSON, or an Excel
workbook, written straight from DuckDB's rows (pipeline/dataset/query.py `fetch`).

No DataFrame stands between the database and these writers: pandas' import alone (~0.6 s of
CPU) was more than a count on 2,000 documents costs DuckDB. Each cell is shown the same way
in every text format: null (None, NaN) as `NULL` in the table and empty in CSV and XLSX,
floats as Python writes them (the shortest text that reads back as the same number),
decimals exactly as stored (`12.5000` 元), times in ISO 8601.
"""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from schemas.errors import ZipingError

Format = Literal["table", "csv", "json", "xlsx"]
NULL = "NULL"  # how a null prints in the aligned table; CSV and XLSX leave the cell empty
MAX_WIDTH = 60  # terminal columns a cell of the aligned table may take before it is cut


@dataclass(frozen=True)
class Result:
    """What a query answered: its column names and its rows of Python values (None for
    null), as DuckDB's `fetchall` gives them."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


def _is_null(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(value: object) -> str:
    """One cell as text (a null as ""): lists and structs as their items' text."""
    if _is_null(value):
        return ""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_text(v) if not _is_null(v) else NULL for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{k}: {_text(v) if not _is_null(v) else NULL}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return str(value)  # repr-exact floats, Decimal as stored, datetime with its zone


def _json(value: object) -> Any:
    """One cell as a JSON value: numbers stay numbers (a decimal becomes a float, as JSON
    readers take it anyway), times ISO 8601, NaN and infinities null."""
    if isinstance(value, float | Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def render(result: Result, fmt: Format) -> str:
    """The result as an aligned text table, CSV (with header) or a JSON array of objects."""
    if fmt == "xlsx":
        raise ZipingError("--format xlsx writes a file: give it with --output FILE.xlsx")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_text(v) for v in row] for row in result.rows)
        return out.getvalue()
    if fmt == "json":
        records = [
            {name: _json(v) for name, v in zip(result.columns, row, strict=True)}
            for row in result.rows
        ]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if not result.rows:
        return f"(0 rows; columns: {', '.join(result.columns)})\n"
    return _aligned(result) + f"({len(result.rows)} rows)\n"


def _width(text: str) -> int:
    """Terminal columns `text` takes: Chinese characters (wide, full-width) take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cut(text: str) -> str:
    """At most MAX_WIDTH columns, an ellipsis saying where it was cut."""
    if _width(text) <= MAX_WIDTH:
        return text
    while _width(text) > MAX_WIDTH - 3:
        text = text[:-1]
    return text + "..."


def _aligned(result: Result) -> str:
    """Header and rows in columns two spaces apart; numbers to the right, text to the left."""
    cells = [[_cut(_text(v)) if not _is_null(v) else NULL for v in row] for row in result.rows]
    numeric = [
        all(isinstance(row[i], int | float | Decimal) or _is_null(row[i]) for row in result.rows)
        for i in range(len(result.columns))
    ]
    widths = [
        max(_width(name), *(_width(row[i]) for row in cells))
        for i, name in enumerate(result.columns)
    ]

    def line(texts: list[str]) -> str:
        padded = []
        for text, width, right in zip(texts, widths, numeric, strict=True):
            pad = " " * (width - _width(text))
            padded.append(pad + text if right else text + pad)
        return "  ".join(padded).rstrip() + "\n"

    return line(result.columns) + "".join(line(row) for row in cells)


def write_xlsx(result: Result, target: Path) -> None:
    """The result as one sheet held in an Excel Table (filter and sort on every column), header
    frozen, nulls as empty cells. Text is stored as text, never as a formula (`=…` in a cell
    of a report stays what was printed)."""
    from openpyxl import Workbook  # noqa: PLC0415  (openpyxl only for this format)
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo  # noqa: PLC0415

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("查询结果")
    headers = _unique_headers(result.columns) or ["(no columns)"]
    ws.freeze_panes = "A2"
    if result.columns:
        ref = f"A1:{get_column_letter(len(headers))}{max(len(result.rows), 1) + 1}"
        table = Table(displayName="query_result", ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        # a write-only sheet cannot read its header back: name the columns here
        table.tableColumns = [TableColumn(id=i, name=n) for i, n in enumerate(headers, 1)]
        with warnings.catch_warnings():  # openpyxl warns in write-only mode even when named
            warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
            ws.add_table(table)
    ws.append(headers)
    for row in result.rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=_excel_value(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
            cells.append(cell)
        ws.append(cells)
    if not result.rows and result.columns:
        ws.append([None] * len(headers))  # an Excel Table needs one body row
    wb.save(target)


def _unique_headers(names: list[str]) -> list[str]:
    """Excel Tables refuse two columns of the same name: `n`, `n_2`, …"""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _excel_value(value: object) -> str | float | datetime | None:
    """Cell value openpyxl can store: numbers (Excel holds every number as a double), text,
    naive datetimes (Excel has no zones)."""
    if _is_null(value):
        return None
    if isinstance(value, int | float | str):
        return value  # bool is an int
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time())
    return _text(value)
