"""What the index page, the top of diff.md and the 汇总 sheet say about the whole dataset,
added up one document at a time: counts, the largest gaps, roll-ups, chart data.

Everything kept is bounded (counts, the `SHOWN_GAPS` largest gaps, the first `SHOWN_INCOMPLETE`
incomplete tables, one small group per unit / year / region, one float per row whose printed
score differs), so the report's memory does not grow with the number of documents.
"""

from __future__ import annotations

import dataclasses
import heapq
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.dataset.coverage import Coverage
from pipeline.report.model import (
    SEVERITIES,
    DocumentView,
    FindingView,
    TableView,
    code_zh,
    gap,
    severity_rank,
)
from pipeline.report.rollup import Group, Rollup, rollups
from schemas.tables import RunRow

SHOWN_GAPS = 215  # the 15 first, 200 more one click away; diff.xlsx has every table
SHOWN_INCOMPLETE = 200
CHART_TOTALS = 40  # dumbbells in the totals chart: the largest gaps
FILTERS = ("code", "severity", "document", "unit")
# a drop-down longer than this is no way to choose (the search box finds any document or
# unit), and keeping every name would make the report's memory grow with the dataset
MAX_OPTIONS = 300


@dataclass(frozen=True, slots=True)
class CodeCount:
    code: str
    zh: str
    severity: str
    count: int


def _bare(table: TableView) -> TableView:
    """The table without its rows and findings: what a list of totals needs to keep."""
    return dataclasses.replace(table, rows=[], findings=[], marks=set())


@dataclass(slots=True)
class Summary:
    data: Path
    last_run: RunRow | None = None
    has_claims: bool = False
    documents: int = 0
    tables: int = 0
    n_indicators: int = 0
    findings: int = 0
    status_counts: Counter[str] = field(default_factory=Counter)
    codes: Counter[tuple[str, str]] = field(default_factory=Counter)
    coverage: Coverage = field(default_factory=Coverage)
    profile_names: set[str] = field(default_factory=set)
    # None: more than MAX_OPTIONS values, no drop-down
    filter_values: dict[str, set[str] | None] = field(
        default_factory=lambda: {k: set() for k in FILTERS}
    )
    rollups: dict[str, Rollup] = field(default_factory=rollups)
    differ: int = 0  # complete tables whose total differs
    largest: list[tuple[float, int, TableView]] = field(default_factory=list)  # min-heap
    incomplete: int = 0
    first_incomplete: list[TableView] = field(default_factory=list)
    chart_totals: list[tuple[float, int, float, float]] = field(default_factory=list)  # heap
    score_misses: array[float] = field(default_factory=lambda: array("d"))
    scores_agree: int = 0

    def add_document(self, doc: DocumentView) -> None:
        self.documents += 1
        self.status_counts[str(doc.row.status)] += 1
        if doc.row.profile:
            self.profile_names.add(doc.row.profile)
        for rollup in self.rollups.values():
            rollup.add(doc)
        for table in doc.tables:
            self._add_table(table)

    def add_findings(self, findings: list[FindingView]) -> None:
        for f in findings:
            self.findings += 1
            self.codes[(f.code, f.severity)] += 1
            for key in FILTERS:
                values, value = self.filter_values[key], str(getattr(f, key))
                if values is not None and value:
                    values.add(value)
                    if len(values) > MAX_OPTIONS:
                        self.filter_values[key] = None

    def _add_table(self, table: TableView) -> None:
        self.tables += 1
        self.n_indicators += len(table.rows)
        if table.row.profile:
            self.profile_names.add(table.row.profile)
        for view in table.rows:
            stated, recomputed = view.row.score_stated, view.row.score_recomputed
            if stated is not None and recomputed is not None:
                if abs(stated - recomputed) >= 0.005:
                    self.score_misses.append(stated - recomputed)
                else:
                    self.scores_agree += 1
        size = abs(gap(table.row) or 0.0)
        if table.row.total_stated is not None and table.row.total_recomputed is not None:
            entry = (size, -table.number, table.row.total_stated, table.row.total_recomputed)
            _keep_largest(self.chart_totals, entry, CHART_TOTALS)
        if not table.total_differs:
            return
        if table.complete:
            self.differ += 1
            _keep_largest(self.largest, (size, -table.number, _bare(table)), SHOWN_GAPS)
        else:
            self.incomplete += 1
            if len(self.first_incomplete) < SHOWN_INCOMPLETE:
                self.first_incomplete.append(_bare(table))

    # --- what the templates read ----------------------------------------------------------

    @property
    def profiles(self) -> list[str]:
        """Every scoring profile the dataset's documents and tables were scored by (one
        unless a run mixed them with --force): the report names them all."""
        return sorted(self.profile_names)

    @property
    def by_severity(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for (_, severity), n in self.codes.items():
            counts[severity] += n
        return {s: counts[s] for s in SEVERITIES if counts[s]} | {
            s: n for s, n in counts.items() if s not in SEVERITIES
        }

    @property
    def by_code(self) -> list[CodeCount]:
        out = [CodeCount(c, code_zh(c), s, n) for (c, s), n in self.codes.items()]
        return sorted(out, key=lambda c: (severity_rank(c.severity), -c.count, c.code))

    @property
    def total_diffs(self) -> list[TableView]:
        """The largest gaps between printed and recomputed totals, largest first: complete
        tables only (a total over unread or unscored rows is no gap to rank)."""
        return [t for _, _, t in sorted(self.largest, key=lambda e: (-e[0], -e[1]))]

    @property
    def totals_pairs(self) -> list[tuple[int, float, float]]:
        """(table number, printed, recomputed) of the largest gaps, in table order."""
        return sorted((-n, stated, recomputed) for _, n, stated, recomputed in self.chart_totals)

    def options(self, key: str) -> list[str] | None:
        """Distinct values of a finding attribute, for the filter drop-downs (None: too many
        to choose from a list)."""
        values = self.filter_values[key]
        return None if values is None else sorted(values)

    def rollup(self, kind: str) -> list[Group]:
        return self.rollups[kind].ranked()


def _keep_largest(heap: list[Any], entry: tuple[Any, ...], size: int) -> None:
    if len(heap) < size:
        heapq.heappush(heap, entry)
    elif entry > heap[0]:
        heapq.heapreplace(heap, entry)
