"""What the dataset could and could not check: coverage beside every total.

A total read from a table whose rows were not all re-scored, whose weights do not add up to
100, or whose cells were partly left unread says less than it seems; an auditor must see
that before trusting "the largest overstated total". Per table: rows re-scored / not
re-scored / read with low confidence, whether the total could be recomputed, and whether the
table is complete. Per dataset: the same summed, the documents that need OCR or conversion,
and per check (the data-docs idea) how many subjects it was evaluated on, passed, failed and
could not be evaluated on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.dataset import load as dataset
from schemas.tables import ClaimRow, DocumentRow, EvalTableRow, FindingRow, IndicatorRow

LOW_CONFIDENCE = 1.0  # below: something about the row was inferred, not read as printed
WEIGHT_TOLERANCE = 0.5
INCOMPLETE_CODES = frozenset({"TABLE_UNPARSED", "ROW_UNPARSED", "WEIGHTS_ABSENT"})
OCR_CODES = frozenset({"TEXT_LAYER_UNREADABLE"})
CONVERT_WORDS = ("convert", "not supported")

# check code -> (subject table, the columns that must all be present for it to be evaluated)
CHECKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "SCORE_MISMATCH": ("indicators", ("score_stated", "score_min", "score_max")),
    "SCORE_EXCEEDS_WEIGHT": ("indicators", ("score_stated", "weight")),
    "REVERSE_SCORED_AS_POSITIVE": ("indicators", ("score_stated", "score_min")),
    "TOTAL_MISMATCH": ("eval_tables", ("total_stated", "total_recomputed")),
    "EXEC_RATE_MISMATCH": ("eval_tables", ("exec_rate_stated", "exec_rate_recomputed")),
    "EXEC_SCORE_MISMATCH": ("eval_tables", ("exec_score_stated", "exec_score_recomputed")),
    "GRADE_MISMATCH": ("eval_tables", ("grade_stated", "grade_recomputed")),
    "WEIGHT_SUM_NOT_100": ("eval_tables", ("weight_sum",)),
    "CLAIM_MISMATCH": ("claims", ("stated", "recomputed")),
}
SUBJECT_ID = {"indicators": "indicator_id", "eval_tables": "table_id", "claims": "claim_id"}


@dataclass(slots=True)
class TableCoverage:
    table_id: str
    rows: int = 0
    rescored: int = 0
    not_rescored: int = 0
    low_confidence: int = 0
    total_recomputed: bool = False
    weight_sum: float | None = None
    unread_cells: bool = False

    @property
    def complete(self) -> bool:
        """Every row re-scored, weights summing to 100, nothing left unread."""
        weights_ok = self.weight_sum is not None and abs(self.weight_sum - 100) <= WEIGHT_TOLERANCE
        return bool(self.rows and not self.not_rescored and weights_ok and not self.unread_cells)

    def reasons(self) -> list[str]:
        """Why the table is incomplete, in words an auditor reads (empty when complete)."""
        out = []
        if self.not_rescored:
            out.append(f"{self.not_rescored}/{self.rows} 行未复核")
        if self.weight_sum is None or abs(self.weight_sum - 100) > WEIGHT_TOLERANCE:
            out.append(f"分值合计 {'未知' if self.weight_sum is None else f'{self.weight_sum:g}'}")
        if self.unread_cells:
            out.append("有未读取的单元格")
        if not self.rows:
            out.append("无指标行")
        return out


@dataclass(frozen=True, slots=True)
class CheckCoverage:
    code: str
    evaluated: int
    passed: int
    failed: int
    not_evaluated: int


@dataclass(slots=True)
class Coverage:
    documents: int = 0
    documents_by_status: dict[str, int] = field(default_factory=dict)
    need_ocr: list[str] = field(default_factory=list)
    need_conversion: list[str] = field(default_factory=list)
    tables: int = 0
    tables_complete: int = 0
    tables_total_recomputed: int = 0
    rows: int = 0
    rows_rescored: int = 0
    rows_not_rescored: int = 0
    rows_low_confidence: int = 0
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    checks: list[CheckCoverage] = field(default_factory=list)
    by_table: dict[str, TableCoverage] = field(default_factory=dict)

    def merge(self, other: Coverage) -> None:
        """Add the coverage of other documents to this one (the counts, not `by_table`, so
        a report that measures batch by batch keeps none of the per-table detail)."""
        for name in ("documents", "tables", "tables_complete", "tables_total_recomputed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("rows", "rows_rescored", "rows_not_rescored", "rows_low_confidence"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.documents_by_status = dict(
            Counter(self.documents_by_status) + Counter(other.documents_by_status)
        )
        self.findings_by_severity = dict(
            Counter(self.findings_by_severity) + Counter(other.findings_by_severity)
        )
        self.need_ocr += other.need_ocr
        self.need_conversion += other.need_conversion
        mine = {c.code: c for c in self.checks}
        self.checks = [
            CheckCoverage(
                c.code,
                *(
                    getattr(c, k) + (getattr(mine[c.code], k) if c.code in mine else 0)
                    for k in ("evaluated", "passed", "failed", "not_evaluated")
                ),
            )
            for c in other.checks
        ]

    def as_json(self) -> dict[str, Any]:
        """Plain data for `--json`: the per-table detail for incomplete tables only."""
        out = asdict(self)
        out["by_table"] = {
            k: {**asdict(t), "complete": t.complete, "reasons": t.reasons()}
            for k, t in self.by_table.items()
            if not t.complete
        }
        out["tables_incomplete"] = self.tables - self.tables_complete
        return out


def measure(data: Path) -> Coverage:
    """Coverage of the dataset at `data`."""
    return of_rows(
        dataset.read_table(data, DocumentRow),
        dataset.read_table(data, EvalTableRow),
        dataset.read_table(data, IndicatorRow),
        dataset.read_table(data, FindingRow),
        dataset.read_table(data, ClaimRow),
    )


def of_rows(
    documents: list[DocumentRow],
    tables: list[EvalTableRow],
    indicators: list[IndicatorRow],
    findings: list[FindingRow],
    claims: list[ClaimRow],
) -> Coverage:
    """Coverage of these rows: of the whole dataset, or of some whole documents (the report
    measures a batch of documents at a time and `merge`s the results)."""
    cov = Coverage()
    cov.documents = len(documents)
    cov.documents_by_status = dict(Counter(str(d.status) for d in documents))
    _documents_needing_work(cov, documents, findings)
    unread = {f.table_id for f in findings if f.code in INCOMPLETE_CODES and f.table_id}
    for t in tables:
        cov.by_table[t.table_id] = TableCoverage(
            t.table_id,
            total_recomputed=t.total_recomputed is not None,
            weight_sum=t.weight_sum,
            unread_cells=t.table_id in unread,
        )
    for row in indicators:
        table = cov.by_table.setdefault(row.table_id, TableCoverage(row.table_id))
        table.rows += 1
        scored = row.score_min is not None and row.score_max is not None
        table.rescored += scored
        table.not_rescored += not scored
        table.low_confidence += row.parse_confidence < LOW_CONFIDENCE
    _sum_tables(cov)
    cov.findings_by_severity = dict(Counter(str(f.severity) for f in findings))
    subjects: dict[str, list[Any]] = {
        "indicators": indicators,
        "eval_tables": tables,
        "claims": claims,
    }
    cov.checks = _checks(subjects, findings)
    return cov


def _sum_tables(cov: Coverage) -> None:
    tables = list(cov.by_table.values())
    cov.tables = len(tables)
    cov.tables_complete = sum(t.complete for t in tables)
    cov.tables_total_recomputed = sum(t.total_recomputed for t in tables)
    cov.rows = sum(t.rows for t in tables)
    cov.rows_rescored = sum(t.rescored for t in tables)
    cov.rows_not_rescored = sum(t.not_rescored for t in tables)
    cov.rows_low_confidence = sum(t.low_confidence for t in tables)


def _documents_needing_work(
    cov: Coverage, documents: list[DocumentRow], findings: list[FindingRow]
) -> None:
    scanned = {f.doc_id for f in findings if f.code in OCR_CODES}
    for doc in documents:
        reason = str(doc.error or "").lower()
        if doc.doc_id in scanned or "scan" in reason or "ocr" in reason:
            cov.need_ocr.append(str(doc.path))
        elif doc.status == "error" and any(w in reason for w in CONVERT_WORDS):
            cov.need_conversion.append(str(doc.path))


def _checks(subjects: dict[str, list[Any]], findings: list[FindingRow]) -> list[CheckCoverage]:
    failed: dict[str, set[str]] = {}
    for f in findings:
        subject = f.indicator_id or f.table_id or f.finding_id
        failed.setdefault(str(f.code), set()).add(str(subject))
    out = []
    for code, (table, needed) in CHECKS.items():
        rows = subjects[table]
        evaluated = {
            str(getattr(r, SUBJECT_ID[table]))
            for r in rows
            if all(getattr(r, c) is not None for c in needed)
        }
        bad = (
            len(failed.get(code, set()) & evaluated) if table != "claims" else _claims_failed(rows)
        )
        out.append(
            CheckCoverage(
                code, len(evaluated), len(evaluated) - bad, bad, len(rows) - len(evaluated)
            )
        )
    return out


def _claims_failed(rows: list[Any]) -> int:
    return sum(
        1 for r in rows if r.stated is not None and r.recomputed is not None and not r.consistent
    )
