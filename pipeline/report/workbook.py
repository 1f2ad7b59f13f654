"""diff.xlsx's sheets: 汇总 (summary) / 问题清单 (findings) / 指标明细 (indicator rows in
context) / 自评表 (tables), written row by row from what the report kept on disk.

A document's rows are made when the document is read (`indicator_rows`, `table_rows`, plain
values and the names of the fills) and kept in the spool in document order; a finding's link
to its row is made then too (`row_targets`: the row's place is known from the documents
before it, `source.Plan`), so no sheet needs another in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from pipeline.report import xlsx_links
from pipeline.report.model import SEVERITY_ZH, DocumentView, FindingView, RowView, TableView
from pipeline.report.summary import Summary
from pipeline.report.xlsx import (
    BAD,
    DUPLICATE,
    ROW_MARK_COLUMNS,
    SEVERITY_FILL,
    TABLE_MARK_COLUMNS,
    Column,
    Extras,
    SheetStream,
    as_number,
    declared,
    write_sheet,
)

FILLS = {"bad": BAD, "duplicate": DUPLICATE}
SheetRow = tuple[list[Any], dict[int, str]]  # values, and fill names by column (1-based)

FINDING_CONTEXT = [
    Column("code_zh", "问题类型"),
    Column("document", "文档"),
    Column("unit", "单位"),
    Column("project", "项目名称"),
    Column("subject", "三级指标"),
]
INDICATOR_CONTEXT = [
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
INDICATOR_COLUMNS = [*INDICATOR_CONTEXT, *declared("indicators")]
TABLE_CONTEXT = [Column("number", "编号"), Column("codes", "问题代码")]
TABLE_COLUMNS = [*TABLE_CONTEXT, *declared("eval_tables")]


def row_targets(doc: DocumentView, rows_before: int) -> dict[str, str]:
    """Where the document's tables and rows sit in 自评表 and 指标明细, as in-workbook links
    (table T3 is row 4 of 自评表; the rows of all documents before it come first)."""
    targets: dict[str, str] = {}
    n = rows_before + 2
    for table in doc.tables:
        targets[table.row.table_id] = f"#'自评表'!A{table.number + 1}"
        for view in table.rows:
            targets[view.row.indicator_id] = f"#'指标明细'!A{n}"
            n += 1
    return targets


def finding_target(f: FindingView, targets: dict[str, str]) -> str:
    return targets.get(f.row.indicator_id or "") or targets.get(f.row.table_id or "") or ""


def _row_fills(view: RowView) -> dict[int, str]:
    keys = [c.key for c in INDICATOR_COLUMNS]
    fills: dict[int, str] = {}
    if view.row.duplicate_of or "row" in view.marks:
        # a repeated row is a warning (yellow); what it gets wrong is marked red below
        fills.update(dict.fromkeys(range(1, len(keys) + 1), "duplicate"))
    for mark in view.marks:
        for key in ROW_MARK_COLUMNS.get(mark, ()):
            fills[keys.index(key) + 1] = "bad"
    return fills


def indicator_rows(doc: DocumentView) -> list[SheetRow]:
    """The document's rows of 指标明细: each indicator row beside its table and file."""
    out: list[SheetRow] = []
    own = INDICATOR_COLUMNS[len(INDICATOR_CONTEXT) :]
    for table in doc.tables:
        r = table.row
        for view in table.rows:
            codes = ",".join(sorted({f.code for f in view.findings}))
            head: list[Any] = [table.path, r.project_name, r.implementer, codes]
            head += [r.year, r.province, r.city, r.county, r.region_code]
            out.append((head + [getattr(view.row, c.key) for c in own], _row_fills(view)))
    return out


def table_rows(doc: DocumentView) -> list[SheetRow]:
    """The document's rows of 自评表, the printed cells a finding is about filled red."""
    keys = [c.key for c in TABLE_COLUMNS]

    def fills(t: TableView) -> dict[int, str]:
        marked = (k for m in t.marks for k in TABLE_MARK_COLUMNS.get(m, ()))
        return {keys.index(k) + 1: "bad" for k in marked}

    def values(t: TableView) -> list[Any]:
        codes = ",".join(sorted({f.code for f in t.findings}))
        return [f"T{t.number}", codes, *[getattr(t.row, k) for k in keys[len(TABLE_CONTEXT) :]]]

    return [(values(t), fills(t)) for t in doc.tables]


def _summary(wb: Workbook, report: Summary) -> None:
    cols = [
        Column("item", "项目", width=30),
        Column("value", "数量", "0", 10),
        Column("zh", "说明", width=24),
        Column("severity", "严重程度", width=10),
    ]
    rows: list[list[Any]] = [
        ["文档 documents", report.documents, None, None],
        *[[f"  状态 {k}", v, None, None] for k, v in report.status_counts.items()],
        ["自评表 tables", report.tables, None, None],
        ["指标行 indicator rows", report.n_indicators, None, None],
        ["问题 findings", report.findings, None, None],
        *[[f"  {SEVERITY_ZH.get(k, k)} {k}", v, None, None] for k, v in report.by_severity.items()],
        ["总分与复核不符的自评表", report.differ, None, None],
    ]
    codes = [[c.code, c.count, c.zh, SEVERITY_ZH.get(c.severity)] for c in report.by_code]
    write_sheet(wb, "汇总", cols, [*rows, [None] * 4, *codes])


def _finding_order() -> tuple[list[str], list[Column]]:
    base = {c.key: c for c in declared("findings")} | {"year": Column("year", "年度", "0")}
    order = ["severity", "code", *[c.key for c in FINDING_CONTEXT], "stated", "recomputed"]
    order += ["delta", "message", "message_en", "path", "page", "line", "where"]
    order += ["year", "province", "city", "county", "region_code"]
    order += ["finding_id", "doc_id", "table_id", "indicator_id"]
    context = {c.key: c for c in FINDING_CONTEXT}
    cols = [base.get(k) or context[k] for k in order]
    cols[order.index("message")] = replace(cols[order.index("message")], width=50)
    return order, cols


def _findings(wb: Workbook, findings: Iterable[tuple[FindingView, str]]) -> None:
    order, cols = _finding_order()
    context = {c.key for c in FINDING_CONTEXT}

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

    extras = Extras(table="findings", wrap=frozenset({"message", "message_en"}))
    sheet = SheetStream(wb, "问题清单", cols, extras)
    for f, target in findings:
        fills = {1: SEVERITY_FILL[f.severity]} if f.severity in SEVERITY_FILL else {}
        sheet.add(values(f), fills, _finding_links(f, target, order))
    sheet.close()


def _finding_links(f: FindingView, target: str, order: list[str]) -> dict[int, str]:
    """From a finding to the row it is about (指标明细 or 自评表) and to its source file."""
    links = {}
    if target:
        links[order.index("code") + 1] = target
    if target and f.subject:  # an empty cell with a link shows the link's address instead
        links[order.index("subject") + 1] = target
    if f.row.path:
        links[order.index("path") + 1] = Path(str(f.row.path)).resolve().as_uri()
    return links


def _rows(
    wb: Workbook, title: str, cols: Sequence[Column], table: str, rows: Iterable[list[SheetRow]]
) -> None:
    sheet = SheetStream(wb, title, cols, Extras(table=table))
    for document_rows in rows:
        for values, fills in document_rows:
            sheet.add(values, {c: FILLS[name] for c, name in fills.items()})
    sheet.close()


def write(
    target: Path,
    report: Summary,
    findings: Iterable[tuple[FindingView, str]],
    indicators: Iterable[list[SheetRow]],
    tables: Iterable[list[SheetRow]],
) -> None:
    """Write diff.xlsx: the summary, then each sheet from its rows, in order."""
    wb = Workbook(write_only=True)
    _summary(wb, report)
    _findings(wb, findings)
    _rows(wb, "指标明细", INDICATOR_COLUMNS, "indicators", indicators)
    _rows(wb, "自评表", TABLE_COLUMNS, "eval_tables", tables)
    xlsx_links.save(wb, target)
