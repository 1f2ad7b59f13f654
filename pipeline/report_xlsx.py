"""diff.xlsx: the report as a workbook an auditor filters, sorts and annotates in Excel.

Sheets 汇总 (summary) / 问题清单 (findings) / 指标明细 (indicator rows in context) / 自评表
(tables). Headers are the Chinese labels declared in `schemas.tables`; every sheet has a
frozen header row and an autofilter; money, rates and scores get number formats; the printed
cells a finding points at are filled red (the same cells diff.html highlights).

Extracted text is always written as text: openpyxl would store `=2717元` or
`=HYPERLINK("javascript:…")` as a formula, so string cells are forced to type "s".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.report_model import SEVERITY_ZH, FindingView, Report, RowView, TableView
from schemas.tables import columns

BAD = PatternFill("solid", fgColor="F8CBAD")
DUPLICATE = PatternFill("solid", fgColor="FFF2CC")
HEADER = PatternFill("solid", fgColor="D9E1F2")
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


# (name prefix or suffix, format), first match wins; money, rates, scores by column name.
_NAME_FORMATS = (
    ("_yuan", "#,##0.00"),
    ("exec_rate", "0.00%"),
    ("budget_", "#,##0.00##"),
    ("score", "0.00"),
    ("total", "0.00"),
    ("exec_score", "0.00"),
    ("weight", "0.00"),
    ("level1_weight", "0.00"),
    ("delta", "0.00"),
)


def number_format(name: str, arrow_type: str) -> str | None:
    """Excel format for a declared column, from its name and Arrow type."""
    for affix, fmt in _NAME_FORMATS:
        if name.startswith(affix) or name.endswith(affix):
            return fmt
    if arrow_type.startswith("int"):
        return "0"
    if arrow_type.startswith("timestamp"):
        return "yyyy-mm-dd hh:mm:ss"
    return None


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
    """What openpyxl can store: text cleaned of control characters, datetimes without tz."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # stored as UTC; Excel has no time zones
    return value


def write_sheet(
    ws: Worksheet,
    cols: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    fills: Iterable[dict[int, PatternFill]] | None = None,
) -> None:
    """Header row (bold, frozen, autofilter), then `rows`; `fills` colours cells per row."""
    ws.append([c.zh for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    fill_rows = iter(fills) if fills is not None else None
    for r, values in enumerate(rows, start=2):
        row_fills = next(fill_rows, {}) if fill_rows is not None else {}
        for c, (col, value) in enumerate(zip(cols, values, strict=True), start=1):
            cell = ws.cell(row=r, column=c, value=cell_value(value))
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the document printed
            if col.number_format and not isinstance(value, str):
                cell.number_format = col.number_format
            if c in row_fills:
                cell.fill = row_fills[c]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(ws.max_row, 1)}"
    _widths(ws, cols)


def _widths(ws: Worksheet, cols: Sequence[Column]) -> None:
    """Column widths from the header and the first rows, in display columns (CJK is two)."""
    for index, col in enumerate(cols, start=1):
        letter = get_column_letter(index)
        sample = [ws.cell(row=r, column=index).value for r in range(1, min(ws.max_row, 200) + 1)]
        longest = max(_display_width(str(v)) for v in sample if v is not None) if sample else 8
        ws.column_dimensions[letter].width = col.width or min(max(longest + 2, 8), 50)


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _summary(ws: Worksheet, report: Report) -> None:
    cols = [Column("item", "项目", width=30), Column("value", "数量", "0", 10)]
    rows: list[list[Any]] = [
        ["文档 documents", len(report.documents)],
        *[[f"  状态 {k}", v] for k, v in report.status_counts.items()],
        ["自评表 tables", len(report.tables)],
        ["指标行 indicator rows", report.n_indicators],
        ["问题 findings", len(report.findings)],
        *[[f"  {SEVERITY_ZH.get(k, k)} {k}", v] for k, v in report.by_severity.items()],
        ["总分与复核不符的自评表", len(report.total_diffs)],
    ]
    write_sheet(ws, cols, rows)
    start = ws.max_row + 2
    ws.cell(row=start, column=1, value="问题代码").font = Font(bold=True)
    for offset, head in enumerate(("数量", "说明", "严重程度"), start=2):
        ws.cell(row=start, column=offset, value=head).font = Font(bold=True)
    for i, c in enumerate(report.by_code, start=start + 1):
        for j, value in enumerate((c.code, c.count, c.zh, SEVERITY_ZH.get(c.severity)), start=1):
            ws.cell(row=i, column=j, value=value)
    ws.column_dimensions["C"].width = 24


FINDING_CONTEXT = [
    Column("code_zh", "问题类型"),
    Column("document", "文档"),
    Column("unit", "单位"),
    Column("project", "项目名称"),
    Column("subject", "三级指标"),
]


def _findings(ws: Worksheet, report: Report) -> None:
    base = {c.key: c for c in declared("findings")}
    order = ["severity", "code", *[c.key for c in FINDING_CONTEXT], "stated", "recomputed"]
    order += ["delta", "message", "message_en", "path", "page", "line"]
    order += ["finding_id", "doc_id", "table_id", "indicator_id"]
    context = {c.key: c for c in FINDING_CONTEXT}
    cols = [base.get(k) or context[k] for k in order]

    def values(f: FindingView) -> list[Any]:
        extra = {
            "severity": SEVERITY_ZH.get(f.severity, f.severity),
            # printed and recomputed values are text in the dataset ("优", "主管部门", "99.41");
            # numbers go in as numbers so Excel sorts and sums them
            "stated": as_number(f.row["stated"]),
            "recomputed": as_number(f.row["recomputed"]),
        }
        return [extra.get(k, getattr(f, k) if k in context else f.row[k]) for k in order]

    fills = [
        {1: SEVERITY_FILL[f.severity]} if f.severity in SEVERITY_FILL else {}
        for f in report.findings
    ]
    write_sheet(ws, cols, [values(f) for f in report.findings], fills)


def _row_fills(view: RowView, cols: Sequence[Column]) -> dict[int, PatternFill]:
    keys = [c.key for c in cols]
    fills: dict[int, PatternFill] = {}
    if view.row["duplicate_of"] or "row" in view.marks:
        # a repeated row is a warning (yellow); what it gets wrong is marked red below
        fills.update(dict.fromkeys(range(1, len(cols) + 1), DUPLICATE))
    for mark in view.marks:
        for key in ROW_MARK_COLUMNS.get(mark, ()):
            fills[keys.index(key) + 1] = BAD
    return fills


def _indicators(ws: Worksheet, report: Report) -> None:
    context = [
        Column("path", "文件路径"),
        Column("project_name", "项目名称"),
        Column("implementer", "实施单位"),
        Column("codes", "问题代码"),
    ]
    cols = [*context, *declared("indicators")]
    views = [(t, v) for t in report.tables for v in t.rows]

    def values(table: TableView, view: RowView) -> list[Any]:
        doc_path = next((d.row["path"] for d in report.documents if table in d.tables), None)
        codes = ",".join(sorted({f.code for f in view.findings}))
        head = [doc_path, table.row["project_name"], table.row["implementer"], codes]
        return head + [view.row[c.key] for c in cols[len(context) :]]

    write_sheet(ws, cols, [values(t, v) for t, v in views], [_row_fills(v, cols) for _, v in views])


def _tables(ws: Worksheet, report: Report) -> None:
    context = [Column("number", "编号"), Column("codes", "问题代码")]
    cols = [*context, *declared("eval_tables")]
    keys = [c.key for c in cols]

    def fills(t: TableView) -> dict[int, PatternFill]:
        return {keys.index(k) + 1: BAD for m in t.marks for k in TABLE_MARK_COLUMNS.get(m, ())}

    def values(t: TableView) -> list[Any]:
        codes = ",".join(sorted({f.code for f in t.findings}))
        return [f"T{t.number}", codes, *[t.row[k] for k in keys[len(context) :]]]

    write_sheet(ws, cols, [values(t) for t in report.tables], [fills(t) for t in report.tables])


def write(report: Report, target: Path) -> None:
    """Write the workbook for `report` to `target`."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the unnamed default sheet
    _summary(wb.create_sheet("汇总"), report)
    _findings(wb.create_sheet("问题清单"), report)
    _indicators(wb.create_sheet("指标明细"), report)
    _tables(wb.create_sheet("自评表"), report)
    wb.save(target)
