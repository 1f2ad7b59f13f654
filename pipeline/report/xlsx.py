"""diff.xlsx: the report as a workbook an auditor filters, sorts and annotates in Excel.

This module writes sheets; report/workbook.py says what goes in them (汇总 summary / 问题清单
findings / 指标明细 indicator rows in context / 自评表 tables). Headers are the Chinese labels
of `schemas.tables`; frozen headers, Excel Tables (汇总: an autofilter); number formats for
money, rates, scores; the printed cells a finding points at filled red (as diff.html frames
them); findings link to their row and source file. Rows stream to disk (`SheetStream`).

Extracted text is always written as text: openpyxl would store `=2717元` or
`=HYPERLINK("javascript:…")` as a formula, so string cells are forced to type "s".
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from pipeline.report import numbers, xlsx_links
from schemas.tables import columns

BAD = PatternFill("solid", fgColor="F8CBAD")
DUPLICATE = PatternFill("solid", fgColor="FFF2CC")
HEADER = PatternFill("solid", fgColor="D9E1F2")
LINK = Font(color="0563C1", underline="single")
SEVERITY_FILL = {"error": BAD, "warning": DUPLICATE}
MAX_CELL = 32_767  # Excel's limit on characters in a cell
WIDTH_SAMPLE = 200  # rows a column's width is measured on

# Which columns a report_model mark highlights, per sheet.
ROW_MARK_COLUMNS = {
    "score": ("score_raw", "score_stated"),
    "target": ("target_raw",),
    "actual": ("actual_raw",),
    "weight": ("weight_raw", "weight"),
}
TABLE_MARK_COLUMNS = {
    "total": ("total_stated",),
    "exec_rate": ("exec_rate_stated",),
    "exec_score": ("exec_score_stated",),
    "weight_sum": ("weight_sum",),
    "grade": ("grade_stated",),
    "budget": ("budget_initial", "budget_full_year", "budget_executed"),
    "project_name": ("project_name",),
    "department": ("department",),
    "implementer": ("implementer",),
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    zh: str
    number_format: str | None = None
    width: int | None = None


def number_format(name: str, arrow_type: str) -> str | None:
    """Excel format for a declared column: the report's one format for it (report/numbers.py),
    None for General; timestamps as date and time."""
    if arrow_type.startswith("timestamp"):
        return "yyyy-mm-dd hh:mm:ss"
    fmt = numbers.format_of(name, integer=arrow_type.startswith("int"))
    return None if fmt.general else fmt.excel


def declared(table: str) -> list[Column]:
    """The table's columns with their `zh` labels and number formats."""
    return [
        Column(f.name, f.metadata["zh"], number_format(f.name, str(f.metadata["arrow"])))
        for f in columns(table)
    ]


def as_number(text: str | None) -> str | float | None:
    """`text` as a float when it is exactly a number, else unchanged."""
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text  # "nan", "inf" stay words


def cell_value(value: Any) -> Any:
    """What openpyxl can store: text cleaned of control characters, datetimes without tz,
    a list (a PDF box) as its numbers in one cell."""
    if isinstance(value, list | tuple):
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # stored as UTC; Excel has no time zones
    return value


class _Layout(Protocol):
    auto_filter: AutoFilter
    column_dimensions: DimensionHolder[str, ColumnDimension]

    def add_table(self, table: Table) -> None: ...


def _layout(ws: WriteOnlyWorksheet) -> _Layout:
    """The sheet's filter and column widths: `Worksheet._setup` gives write-only sheets these
    too (openpyxl writes them out), but the type stubs leave them off."""
    return cast(_Layout, ws)


def _cell(ws: WriteOnlyWorksheet, value: Any, fmt: str | None, fill: PatternFill | None) -> Cell:
    cell = WriteOnlyCell(ws, value=cell_value(value))
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the document printed
    elif fmt:
        cell.number_format = fmt
    if fill is not None:
        cell.fill = fill
    return cell


def _bold(
    ws: WriteOnlyWorksheet, values: Sequence[Any], fill: PatternFill | None = None
) -> list[Cell]:
    cells = [_cell(ws, v, None, fill) for v in values]
    for cell in cells:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    return cells


@dataclass(frozen=True, slots=True)
class Extras:
    """What a sheet adds to its plain rows: fills, hyperlinks (column -> target: `#'sheet'!A5`
    inside the workbook, else a URL or file:// path), an Excel Table name, wrapped columns."""

    fills: Sequence[dict[int, PatternFill]] | None = None
    links: Sequence[dict[int, str]] | None = None
    table: str | None = None
    wrap: frozenset[str] = frozenset()


class SheetStream:
    """A write-only sheet filled row by row, its rows never all in memory: a bold, frozen
    header; column widths from the header and the first WIDTH_SAMPLE rows (held until then,
    as a write-only sheet needs its layout before its first row); an Excel Table (or an
    autofilter) over however many rows came, set when the sheet is closed."""

    def __init__(self, wb: Workbook, title: str, cols: Sequence[Column], extras: Extras) -> None:
        ws = wb.create_sheet(title)
        if not isinstance(ws, WriteOnlyWorksheet):
            raise TypeError("SheetStream needs a Workbook(write_only=True)")
        ws.freeze_panes = "A2"
        self.ws, self.cols, self.extras = ws, cols, extras
        self.wrapped = {i for i, c in enumerate(cols, start=1) if c.key in extras.wrap}
        self.held: list[tuple[Sequence[Any], dict[int, PatternFill], dict[int, str]]] = []
        self.rows = 0
        self.rows_written = 0
        self.started = False
        self.links = xlsx_links.Links()  # on disk, not in openpyxl's lists

    def add(
        self,
        values: Sequence[Any],
        fills: dict[int, PatternFill] | None = None,
        links: dict[int, str] | None = None,
    ) -> None:
        self.rows += 1
        if self.started:
            self._append(values, fills or {}, links or {})
            return
        self.held.append((values, fills or {}, links or {}))
        if len(self.held) >= WIDTH_SAMPLE:
            self._start()

    def _start(self) -> None:
        _widths(self.ws, self.cols, [values for values, _, _ in self.held])
        xlsx_links.start(self.ws, self.links)
        self.ws.append(_bold(self.ws, [c.zh for c in self.cols], HEADER))
        self.started = True
        for values, fills, links in self.held:
            self._append(values, fills, links)
        self.held = []

    def _append(
        self, values: Sequence[Any], fills: dict[int, PatternFill], links: dict[int, str]
    ) -> None:
        cells = [
            _cell(self.ws, value, col.number_format, fills.get(c))
            for c, (col, value) in enumerate(zip(self.cols, values, strict=True), start=1)
        ]
        for c in self.wrapped:
            cells[c - 1].alignment = Alignment(vertical="top", wrap_text=True)
        row = self.rows_written = self.rows_written + 1
        for c, target in links.items():
            if cells[c - 1].value is None:  # as openpyxl shows a link in an empty cell
                cells[c - 1].value = target.removeprefix("#")
            self.links.add(f"{get_column_letter(c)}{row + 1}", target)  # + 1: the header
            cells[c - 1].font = LINK
        self.ws.append(cells)

    def close(self) -> WriteOnlyWorksheet:
        """Write what is held and set the Table or filter over every row written."""
        if not self.started:
            self._start()
        if not self.rows and self.extras.table:
            self.ws.append([None] * len(self.cols))  # an Excel Table needs one body row
        ref = f"A1:{get_column_letter(len(self.cols))}{max(self.rows, 1) + 1}"
        if self.extras.table:
            _excel_table(self.ws, self.extras.table, ref, [c.zh for c in self.cols])
        else:
            _layout(self.ws).auto_filter.ref = ref
        return self.ws


def write_sheet(
    wb: Workbook,
    title: str,
    cols: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    fills: Sequence[dict[int, PatternFill]] | None = None,
    extras: Extras | None = None,
) -> WriteOnlyWorksheet:
    """A whole sheet at once: header row (bold, frozen; an Excel Table or an autofilter) and
    `rows`; `fills` colours cells."""
    extras = extras or Extras(fills=fills)
    sheet = SheetStream(wb, title, cols, extras)
    for r, values in enumerate(rows):
        row_fills = extras.fills[r] if extras.fills is not None else {}
        links = extras.links[r] if extras.links is not None else {}
        sheet.add(values, row_fills, links)
    return sheet.close()


def _excel_table(ws: WriteOnlyWorksheet, name: str, ref: str, headers: list[str]) -> None:
    """An Excel Table over the sheet (filter, sort, banding; Power Query and pivots see it by
    name). Header names must be unique; a write-only sheet cannot read them back."""
    seen: Counter[str] = Counter()
    names = []
    for header in headers:
        seen[header] += 1
        names.append(header if seen[header] == 1 else f"{header}{seen[header]}")
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    table.tableColumns = [TableColumn(id=i, name=n) for i, n in enumerate(names, 1)]
    with warnings.catch_warnings():  # openpyxl warns in write-only mode even when named
        warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
        _layout(ws).add_table(table)


def _widths(ws: WriteOnlyWorksheet, cols: Sequence[Column], rows: Sequence[Sequence[Any]]) -> None:
    """Column widths from the header and the first rows, in display columns (CJK is two)."""
    for index, col in enumerate(cols):
        sample = [col.zh, *(r[index] for r in rows[:WIDTH_SAMPLE])]
        longest = max(_display_width(str(v)) for v in sample if v is not None)
        width = col.width or min(max(longest + 2, 8), 50)
        _layout(ws).column_dimensions[get_column_letter(index + 1)].width = width


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
