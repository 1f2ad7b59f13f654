"""What the diff report says, computed once from the dataset; the writers only render it.

The model ties every finding to the table and row it is about and works out which printed
cells to highlight, so HTML, Markdown and Excel agree on what is wrong and where. Rows are
the declared row types of `schemas.tables` (`DocumentRow`, `EvalTableRow`, …) as the typed
reader gives them back (`dataset.load.read_table`), so a column is an attribute mypy knows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from pipeline.dataset import coverage as dataset_coverage
from pipeline.dataset import load as dataset
from pipeline.dataset.coverage import Coverage, TableCoverage
from schemas.findings import CODES
from schemas.tables import ClaimRow, DocumentRow, EvalTableRow, FindingRow, IndicatorRow, RunRow

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

PLACEHOLDER_FIELDS = ("project_name", "department", "implementer")


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


@dataclass(frozen=True, slots=True)
class CodeCount:
    code: str
    zh: str
    severity: str
    count: int


@dataclass(slots=True)
class Report:
    data: Path
    documents: list[DocumentView]
    findings: list[FindingView]
    n_indicators: int
    has_claims: bool
    coverage: Coverage = field(default_factory=Coverage)
    last_run: RunRow | None = None  # the latest `ziping ingest` run, when runs are recorded

    @property
    def tables(self) -> list[TableView]:
        return [t for d in self.documents for t in d.tables]

    @property
    def profiles(self) -> list[str]:
        """Every scoring profile the dataset's documents were scored by (one unless a run
        mixed them with --force): the report names them all, not the last run's."""
        found = {d.row.profile for d in self.documents if d.row.profile}
        return sorted(found | {t.row.profile for t in self.tables if t.row.profile})

    @property
    def status_counts(self) -> dict[str, int]:
        return dict(Counter(str(d.row.status) for d in self.documents))

    @property
    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {s: counts[s] for s in SEVERITIES if counts[s]} | {
            s: n for s, n in counts.items() if s not in SEVERITIES
        }

    @property
    def by_code(self) -> list[CodeCount]:
        counts = Counter((f.code, f.severity) for f in self.findings)
        out = [CodeCount(c, code_zh(c), s, n) for (c, s), n in counts.items()]
        return sorted(out, key=lambda c: (severity_rank(c.severity), -c.count, c.code))

    @property
    def total_diffs(self) -> list[TableView]:
        """Tables whose printed total differs from the recomputed one, largest gap first:
        complete tables only (a total over unread or unscored rows is no gap to rank)."""
        differ = [t for t in self.tables if t.total_differs and t.complete]
        return sorted(differ, key=lambda t: -abs(_gap(t.row) or 0.0))

    @property
    def incomplete_diffs(self) -> list[TableView]:
        """Totals that differ on tables that are not complete: listed apart, never ranked."""
        return [t for t in self.tables if t.total_differs and not t.complete]

    @property
    def score_deltas(self) -> list[float]:
        """Printed − recomputed score of every row where both exist (0 for most rows)."""
        return [
            r.row.score_stated - r.row.score_recomputed
            for t in self.tables
            for r in t.rows
            if r.row.score_stated is not None and r.row.score_recomputed is not None
        ]

    def options(self, attr: str) -> list[str]:
        """Distinct values of a finding attribute, for the filter drop-downs."""
        return sorted({str(getattr(f, attr)) for f in self.findings} - {""})


def _gap(table: EvalTableRow) -> float | None:
    """Printed − recomputed total, when both exist."""
    if table.total_stated is None or table.total_recomputed is None:
        return None
    return table.total_stated - table.total_recomputed


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def code_zh(code: str) -> str:
    known = CODES.get(code)
    return known.zh if known else code


def build(data: Path) -> Report:
    """Read the dataset at `data` and tie findings to documents, tables and rows."""
    documents = {
        r.doc_id: DocumentView(r, f"d{i}")
        for i, r in enumerate(dataset.read_table(data, DocumentRow), 1)
    }
    coverage = dataset_coverage.measure(data)
    tables = _tables(data, documents)
    for table_id, table in tables.items():
        table.coverage = coverage.by_table.get(table_id)
    rows = _rows(data, tables)
    for claim in dataset.read_table(data, ClaimRow):
        if claim.doc_id in documents:
            documents[claim.doc_id].claims.append(claim)
    for doc in documents.values():
        doc.claims.sort(key=lambda c: (bool(c.consistent), c.seq))
    findings = [_attach(f, documents, tables, rows) for f in dataset.read_table(data, FindingRow)]
    findings.sort(key=_finding_order(tables, rows))
    return Report(
        data=data,
        documents=list(documents.values()),
        findings=findings,
        n_indicators=len(rows),
        has_claims="claims" in dataset.present(data),
        coverage=coverage,
        last_run=max(dataset.read_table(data, RunRow), key=lambda r: r.started_at, default=None),
    )


def _tables(data: Path, documents: dict[str, DocumentView]) -> dict[str, TableView]:
    records = sorted(dataset.read_table(data, EvalTableRow), key=lambda r: r.seq)
    order = {doc_id: i for i, doc_id in enumerate(documents)}
    records.sort(key=lambda r: order.get(r.doc_id, len(order)))
    tables: dict[str, TableView] = {}
    for number, record in enumerate(records, 1):
        doc = documents.get(record.doc_id)
        view = TableView(record, f"t{number}", number, doc.row.path if doc else "")
        view.page = doc.page if doc else ""
        tables[record.table_id] = view
        if doc is not None:
            doc.tables.append(view)
    return tables


def _rows(data: Path, tables: dict[str, TableView]) -> dict[str, RowView]:
    rows: dict[str, RowView] = {}
    for record in sorted(dataset.read_table(data, IndicatorRow), key=lambda r: r.seq):
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


def _finding_order(
    tables: dict[str, TableView], rows: dict[str, RowView]
) -> Callable[[FindingView], tuple[int, str, int, int, str]]:
    def key(f: FindingView) -> tuple[int, str, int, int, str]:
        table = tables.get(f.row.table_id or "")
        row = rows.get(f.row.indicator_id or "")
        return (
            severity_rank(f.severity),
            f.document,
            table.number if table else 0,
            row.row.seq if row else 0,
            f.code,
        )

    return key
