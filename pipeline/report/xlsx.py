"""diff.xlsx: the report as a workbook an auditor filters, sorts and annotates in Excel.

Sheets 汇总 (summary) / 问题清单 (findings) / 指标明细 (indicator rows in context) / 自评表
(tables). Headers are the Chinese labels of `schemas.tables`; frozen headers, Excel Tables
(汇总: an autofilter); number formats for money, rates, scores; the printed cells a finding
points at filled red (as diff.html frames them); findings link to their row and source file.

Extracted text is always written as text: openpyxl would store `=2717元` or
`=HYPERLINK("javascript:…")` as a formula, so string cells are forced to type "s".
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from pipeline.report import numbers
from pipeline.report.model import SEVERITY_ZH, FindingView, Report, RowView, TableView
from schemas.tables import columns

BAD = PatternFill("solid", fgColor="F8CBAD")
DUPLICATE = PatternFill("solid", fgColor="FFF2CC")
HEADER = PatternFill("solid", fgColor="D9E1F2")
LINK = Font(color="0563C1", underline="single")
SEVERITY_FILL = {"error": BAD, "warning": DUPLICATE}
MAX_CELL = 32_767  # Excel's limit on characters in a cell

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


def write_sheet(
    wb: Workbook,
    title: str,
    cols: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    fills: Sequence[dict[int, PatternFill]] | None = None,
    extras: Extras | None = None,
) -> WriteOnlyWorksheet:
    """A sheet of header row (bold, frozen; an Excel Table or an autofilter) and `rows`;
    `fills` colours cells. Write-only (rows stream to disk, memory flat for 100k rows): the
    layout is set before the first row is appended.
    """
    extras = extras or Extras(fills=fills)
    ws = wb.create_sheet(title)
    if not isinstance(ws, WriteOnlyWorksheet):
        raise TypeError("write_sheet needs a Workbook(write_only=True)")
    _widths(ws, cols, rows)
    ws.freeze_panes = "A2"
    ref = f"A1:{get_column_letter(len(cols))}{max(len(rows), 1) + 1}"
    if extras.table:
        _excel_table(ws, extras.table, ref, [c.zh for c in cols])
    else:
        _layout(ws).auto_filter.ref = ref
    ws.append(_bold(ws, [c.zh for c in cols], HEADER))
    wrapped = {i for i, c in enumerate(cols, start=1) if c.key in extras.wrap}
    for r, values in enumerate(rows):
        row_fills = extras.fills[r] if extras.fills is not None else {}
        links = extras.links[r] if extras.links is not None else {}
        cells = [
            _cell(ws, value, col.number_format, row_fills.get(c))
            for c, (col, value) in enumerate(zip(cols, values, strict=True), start=1)
        ]
        for c in wrapped:
            cells[c - 1].alignment = Alignment(vertical="top", wrap_text=True)
        for c, target in links.items():
            cells[c - 1].hyperlink = _link(target)
            cells[c - 1].font = LINK
        ws.append(cells)
    if not rows and extras.table:
        ws.append([None] * len(cols))  # an Excel Table needs one body row
    return ws


def _link(target: str) -> Hyperlink:  # "#'sheet'!A5": a place in this workbook
    local = target.startswith("#")
    return Hyperlink(ref="", location=target[1:]) if local else Hyperlink(ref="", target=target)


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
        sample = [col.zh, *(r[index] for r in rows[:200])]
        longest = max(_display_width(str(v)) for v in sample if v is not None)
        width = col.width or min(max(longest + 2, 8), 50)
        _layout(ws).column_dimensions[get_column_letter(index + 1)].width = width


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _summary(wb: Workbook, report: Report) -> None:
    cols = [
        Column("item", "项目", width=30),
        Column("value", "数量", "0", 10),
        Column("zh", "说明", width=24),
        Column("severity", "严重程度", width=10),
    ]
    rows: list[list[Any]] = [
        ["文档 documents", len(report.documents), None, None],
        *[[f"  状态 {k}", v, None, None] for k, v in report.status_counts.items()],
        ["自评表 tables", len(report.tables), None, None],
        ["指标行 indicator rows", report.n_indicators, None, None],
        ["问题 findings", len(report.findings), None, None],
        *[[f"  {SEVERITY_ZH.get(k, k)} {k}", v, None, None] for k, v in report.by_severity.items()],
        ["总分与复核不符的自评表", len(report.total_diffs), None, None],
    ]
    codes = [[c.code, c.count, c.zh, SEVERITY_ZH.get(c.severity)] for c in report.by_code]
    write_sheet(wb, "汇总", cols, [*rows, [None] * 4, *codes])


FINDING_CONTEXT = [
    Column("code_zh", "问题类型"),
    Column("document", "文档"),
    Column("unit", "单位"),
    Column("project", "项目名称"),
    Column("subject", "三级指标"),
]


def _findings(wb: Workbook, report: Report) -> None:
    base = {c.key: c for c in declared("findings")} | {"year": Column("year", "年度", "0")}
    order = ["severity", "code", *[c.key for c in FINDING_CONTEXT], "stated", "recomputed"]
    order += ["delta", "message", "message_en", "path", "page", "line", "where"]
    order += ["year", "province", "city", "county", "region_code"]
    order += ["finding_id", "doc_id", "table_id", "indicator_id"]
    context = {c.key: c for c in FINDING_CONTEXT}
    cols = [base.get(k) or context[k] for k in order]
    cols[order.index("message")] = replace(cols[order.index("message")], width=50)

    def values(f: FindingView) -> list[Any]:
        extra = {
            "severity": SEVERITY_ZH.get(f.severity, f.severity),
            # printed and recomputed values are text in the dataset ("优", "主管部门", "99.41");
            # numbers go in as numbers so Excel sorts and sums them
            "stated": as_number(f.row.stated),
            "recomputed": as_number(f.row.recomputed),
            "year": f.year,
        }
        return [
            extra[k] if k in extra else getattr(f, k) if k in context else getattr(f.row, k)
            for k in order
        ]

    fills = [
        {1: SEVERITY_FILL[f.severity]} if f.severity in SEVERITY_FILL else {}
        for f in report.findings
    ]
    rows = _sheet_rows(report)
    extras = Extras(
        fills=fills,
        links=[_finding_links(f, rows, order) for f in report.findings],
        table="findings",
        wrap=frozenset({"message", "message_en"}),
    )
    write_sheet(wb, "问题清单", cols, [values(f) for f in report.findings], extras=extras)


def _finding_links(f: FindingView, rows: dict[str, str], order: list[str]) -> dict[int, str]:
    """From a finding to the row it is about (指标明细 or 自评表) and to its source file."""
    links = {}
    target = rows.get(f.row.indicator_id or "") or rows.get(f.row.table_id or "")
    if target:
        links[order.index("subject") + 1] = target
        links[order.index("code") + 1] = target
    path = Path(str(f.row.path or ""))
    if f.row.path:
        links[order.index("path") + 1] = path.resolve().as_uri()
    return links


def _sheet_rows(report: Report) -> dict[str, str]:
    """Where each indicator and table sits in its sheet, as an in-workbook link."""
    rows: dict[str, str] = {}
    for n, (_, view) in enumerate(((t, v) for t in report.tables for v in t.rows), start=2):
        rows[view.row.indicator_id] = f"#'指标明细'!A{n}"
    for n, table in enumerate(report.tables, start=2):
        rows[table.row.table_id] = f"#'自评表'!A{n}"
    return rows


def _row_fills(view: RowView, cols: Sequence[Column]) -> dict[int, PatternFill]:
    keys = [c.key for c in cols]
    fills: dict[int, PatternFill] = {}
    if view.row.duplicate_of or "row" in view.marks:
        # a repeated row is a warning (yellow); what it gets wrong is marked red below
        fills.update(dict.fromkeys(range(1, len(cols) + 1), DUPLICATE))
    for mark in view.marks:
        for key in ROW_MARK_COLUMNS.get(mark, ()):
            fills[keys.index(key) + 1] = BAD
    return fills


def _indicators(wb: Workbook, report: Report) -> None:
    context = [
        Column("path", "文件路径"),
        Column("project_name", "项目名称"),
        Column("implementer", "实施单位"),
        Column("codes", "问题代码"),
        Column("year", "年度", "0"),
        Column("province", "省份"),
        Column("city", "地市"),
        Column("county", "区县"),
        Column("region_code", "行政区划代码"),
    ]
    cols = [*context, *declared("indicators")]
    views = [(t, v) for t in report.tables for v in t.rows]

    def values(table: TableView, view: RowView) -> list[Any]:
        codes = ",".join(sorted({f.code for f in view.findings}))
        head: list[Any] = [table.path, table.row.project_name, table.row.implementer, codes]
        r = table.row
        head += [r.year, r.province, r.city, r.county, r.region_code]
        return head + [getattr(view.row, c.key) for c in cols[len(context) :]]

    rows = [values(t, v) for t, v in views]
    extras = Extras(fills=[_row_fills(v, cols) for _, v in views], table="indicators")
    write_sheet(wb, "指标明细", cols, rows, extras=extras)


def _tables(wb: Workbook, report: Report) -> None:
    context = [Column("number", "编号"), Column("codes", "问题代码")]
    cols = [*context, *declared("eval_tables")]
    keys = [c.key for c in cols]

    def fills(t: TableView) -> dict[int, PatternFill]:
        return {keys.index(k) + 1: BAD for m in t.marks for k in TABLE_MARK_COLUMNS.get(m, ())}

    def values(t: TableView) -> list[Any]:
        codes = ",".join(sorted({f.code for f in t.findings}))
        return [f"T{t.number}", codes, *[getattr(t.row, k) for k in keys[len(context) :]]]

    rows = [values(t) for t in report.tables]
    extras = Extras(fills=[fills(t) for t in report.tables], table="eval_tables")
    write_sheet(wb, "自评表", cols, rows, extras=extras)


def write(report: Report, target: Path) -> None:
    """Write the workbook for `report` to `target`."""
    wb = Workbook(write_only=True)
    _summary(wb, report)
    _findings(wb, report)
    _indicators(wb, report)
    _tables(wb, report)
    wb.save(target)
