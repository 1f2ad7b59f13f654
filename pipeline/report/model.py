"""What the diff report says about some whole documents; the writers only render it.

The report is built a batch of documents at a time (`source.units`), so nothing here holds
the whole dataset; `summary.Summary` adds up what the index needs. The model ties every
finding to the table and row it is about and works out which printed cells to highlight, so
HTML, Markdown and Excel agree on what is wrong and where. Rows are the declared row types of
`schemas.tables` (`DocumentRow`, `EvalTableRow`, …) as the typed reader gives them back
(`dataset.load.typed`), so a column is an attribute mypy knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from pipeline.dataset import coverage as dataset_coverage
from pipeline.dataset.coverage import Coverage, TableCoverage
from pipeline.report.source import Plan, Unit
from schemas.findings import CODES
from schemas.tables import ClaimRow, DocumentRow, EvalTableRow, FindingRow, IndicatorRow

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

PLACEHOLDER_FIELDS = ("project_name", "department", "implementer")

FindingKey = tuple[int, str, int, int, str]


@dataclass(frozen=True, slots=True)
class FindingView:
    """A finding with the names an auditor filters on and the anchor of what it is about."""

    row: FindingRow
    code_zh: str
    document: str
    unit: str
    project: str
    subject: str
    anchor: str
    page: str = ""  # the document's own page, docs/d3.html, where `anchor` lives
    year: int | None = None  # its table's year, else its document's (as the dataset files it)
    table_number: int = 0  # of its table (0: none), for the list's order
    row_seq: int = 0  # of its row (0: none)

    @property
    def order(self) -> FindingKey:
        """The findings list's order: severity, document, table number, row, code."""
        return (
            severity_rank(self.severity),
            self.document,
            self.table_number,
            self.row_seq,
            self.code,
        )

    @property
    def href(self) -> str:
        """Link from the index to what the finding is about on its document's page."""
        if not self.page:
            return ""
        return f"{self.page}#{self.anchor}" if self.anchor else self.page

    @property
    def region(self) -> str:
        """省 · 市 · 县 as far as known (the finding's table, else its document)."""
        parts = (self.row.province, self.row.city, self.row.county)
        return " ".join(p for p in parts if p)

    @property
    def severity(self) -> str:
        return self.row.severity

    @property
    def code(self) -> str:
        return self.row.code


@dataclass(slots=True)
class RowView:
    """An indicator row as printed, with level1/level2 spans and the cells to highlight."""

    row: IndicatorRow
    anchor: str
    level1_span: int = 1  # 0: covered by the merged cell above, as printed
    level2_span: int = 1
    duplicate_of_seq: int | None = None
    marks: set[str] = field(default_factory=set)
    findings: list[FindingView] = field(default_factory=list)


@dataclass(slots=True)
class TableView:
    """A 自评表 with its rows, its own findings and the fields to highlight."""

    row: EvalTableRow
    anchor: str
    number: int  # 1-based across the report; charts label tables by it
    path: str = ""  # source file of the document the table is in
    page: str = ""  # its document's page of the report (docs/d3.html)
    coverage: TableCoverage | None = None  # None: the table has no indicator rows at all
    rows: list[RowView] = field(default_factory=list)
    marks: set[str] = field(default_factory=set)
    findings: list[FindingView] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return self.row.implementer or self.row.department or ""

    @property
    def document(self) -> str:
        return PurePath(self.path).name

    @property
    def complete(self) -> bool:
        return self.coverage is not None and self.coverage.complete

    @property
    def total_differs(self) -> bool:
        stated, recomputed = self.row.total_stated, self.row.total_recomputed
        if stated is None or recomputed is None:
            return False
        return bool(abs(round(stated, 2) - round(recomputed, 2)) >= 0.005)


@dataclass(slots=True)
class DocumentView:
    row: DocumentRow
    anchor: str
    tables: list[TableView] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)  # failing first
    findings: list[FindingView] = field(default_factory=list)

    @property
    def name(self) -> str:
        return PurePath(self.row.path).name

    @property
    def page(self) -> str:
        """The document's own page of the report, relative to the index."""
        return f"docs/{self.anchor}.html"


def gap(table: EvalTableRow) -> float | None:
    """Printed − recomputed total, when both exist."""
    if table.total_stated is None or table.total_recomputed is None:
        return None
    return table.total_stated - table.total_recomputed


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def code_zh(code: str) -> str:
    known = CODES.get(code)
    return known.zh if known else code


@dataclass(slots=True)
class Batch:
    """Some whole documents with everything tied to them, and the findings of documents the
    dataset does not hold (listed, shown on no page)."""

    documents: list[DocumentView]
    loose: list[FindingView]
    coverage: Coverage


def attach(unit: Unit, work: Plan) -> Batch:
    """Tie the findings, tables, rows and claims of one unit to its documents; numbers and
    anchors are those of the whole report (`work`)."""
    known = sorted(unit.documents, key=lambda r: work.number[r.doc_id])
    documents = {r.doc_id: DocumentView(r, f"d{work.number[r.doc_id]}") for r in known}
    coverage = dataset_coverage.of_rows(
        unit.documents, unit.tables, unit.indicators, unit.findings, unit.claims
    )
    tables = _tables(unit.tables, documents, work)
    for table_id, table in tables.items():
        table.coverage = coverage.by_table.get(table_id)
    rows = _rows(unit.indicators, tables)
    for claim in unit.claims:
        if claim.doc_id in documents:
            documents[claim.doc_id].claims.append(claim)
    for doc in documents.values():
        doc.claims.sort(key=lambda c: (bool(c.consistent), c.seq))
    findings = [_attach(f, documents, tables, rows) for f in unit.findings]
    for doc in documents.values():
        doc.findings.sort(key=lambda f: f.order)
    loose = sorted((f for f in findings if f.row.doc_id not in documents), key=lambda f: f.order)
    coverage.by_table = {}  # held by the tables now
    return Batch(list(documents.values()), loose, coverage)


def _tables(
    records: list[EvalTableRow], documents: dict[str, DocumentView], work: Plan
) -> dict[str, TableView]:
    tables: dict[str, TableView] = {}
    orphans = work.tables
    for record in sorted(records, key=lambda r: (work.number.get(r.doc_id, 0), r.seq)):
        doc = documents.get(record.doc_id)
        if doc is not None:
            number = work.tables_before[record.doc_id] + len(doc.tables) + 1
        else:
            orphans += 1
            number = orphans
        view = TableView(record, f"t{number}", number, doc.row.path if doc else "")
        view.page = doc.page if doc else ""
        tables[record.table_id] = view
        if doc is not None:
            doc.tables.append(view)
    return tables


def _rows(records: list[IndicatorRow], tables: dict[str, TableView]) -> dict[str, RowView]:
    rows: dict[str, RowView] = {}
    for record in sorted(records, key=lambda r: r.seq):
        table = tables.get(record.table_id)
        if table is None:
            continue  # an orphan row has nowhere to be shown; its findings still list it
        view = RowView(record, f"{table.anchor}r{len(table.rows) + 1}")
        table.rows.append(view)
        rows[record.indicator_id] = view
    for table in tables.values():
        _merge_labels(table.rows)
        for view in table.rows:
            first = rows.get(view.row.duplicate_of or "")
            view.duplicate_of_seq = first.row.seq if first else None
    return rows


def _merge_labels(rows: list[RowView]) -> None:
    """Span repeated level-1/level-2 labels down, as the printed table merges them."""
    for level, attr in (("level1", "level1_span"), ("level2", "level2_span")):
        head: RowView | None = None
        for view in rows:
            label = getattr(view.row, level)
            same = head is not None and label == getattr(head.row, level)
            if level == "level2" and head is not None:
                same = same and view.row.level1 == head.row.level1
            if same and head is not None and label:
                setattr(head, attr, getattr(head, attr) + 1)
                setattr(view, attr, 0)
            else:
                head = view


def _attach(
    record: FindingRow,
    documents: dict[str, DocumentView],
    tables: dict[str, TableView],
    rows: dict[str, RowView],
) -> FindingView:
    """Wrap a finding, and mark the cells it is about on its row, table and document."""
    doc = documents.get(record.doc_id)
    table = tables.get(record.table_id or "")
    row = rows.get(record.indicator_id or "")
    code = record.code
    doc_year = doc.row.year if doc else None
    view = FindingView(
        row=record,
        code_zh=code_zh(code),
        document=doc.name if doc else PurePath(record.path).name,
        unit=table.unit if table else (doc.row.org or "") if doc else "",
        project=(table.row.project_name or "") if table else "",
        subject=row.row.level3 if row else "",
        anchor=row.anchor if row else table.anchor if table else "",
        page=doc.page if doc else "",
        year=table.row.year if table and table.row.year is not None else doc_year,
        table_number=table.number if table else 0,
        row_seq=row.row.seq if row else 0,
    )
    if row is not None:
        known = CODES.get(code)
        row.marks |= set(known.row if known else ("row",))
        row.findings.append(view)
    elif table is not None:
        known = CODES.get(code)
        table.marks |= set(known.table if known else ())
        if code == "PLACEHOLDER_FIELD":
            table.marks |= {
                f
                for f in PLACEHOLDER_FIELDS
                if getattr(table.row, f) and getattr(table.row, f) == record.stated
            }
        table.findings.append(view)
    if doc is not None:
        doc.findings.append(view)
    return view
