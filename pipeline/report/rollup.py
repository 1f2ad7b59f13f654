"""Roll-ups an auditor pivots on: findings per unit, per year and per region.

Each finding counts where its table (else its document) belongs; a table or document with no
finding still counts in its group, so a unit with nothing wrong shows as 0, not as absent.
Documents are added one at a time (the report never holds them all); a group is a few
numbers per distinct unit, year or region.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.report.model import DocumentView, TableView
from schemas.tables import DocumentRow, EvalTableRow

UNKNOWN = "（未知）"


@dataclass(slots=True)
class Group:
    key: str
    documents: int = 0
    tables: int = 0
    findings: int = 0
    errors: int = 0


def _region(row: DocumentRow | EvalTableRow) -> str:
    return " ".join(p for p in (row.province, row.city) if p) or UNKNOWN


def _unit(table: TableView) -> str:
    return table.unit or UNKNOWN


def _year(row: DocumentRow | EvalTableRow) -> str:
    return str(row.year) if row.year else UNKNOWN


@dataclass(slots=True)
class Rollup:
    """Groups of one kind (unit, year or region), filled document by document."""

    of_doc: Callable[[DocumentView], str]
    of_table: Callable[[TableView], str]
    groups: dict[str, Group] = field(default_factory=dict)

    def _at(self, key: str) -> Group:
        return self.groups.setdefault(key, Group(key))

    def add(self, doc: DocumentView) -> None:
        self._at(self.of_doc(doc)).documents += 1
        for table in doc.tables:
            group = self._at(self.of_table(table))
            group.tables += 1
            for row in table.rows:
                group.findings += len(row.findings)
                group.errors += sum(f.severity == "error" for f in row.findings)
            group.findings += len(table.findings)
            group.errors += sum(f.severity == "error" for f in table.findings)
        loose = [f for f in doc.findings if not f.row.table_id]
        self._at(self.of_doc(doc)).findings += len(loose)
        self._at(self.of_doc(doc)).errors += sum(f.severity == "error" for f in loose)

    def ranked(self) -> list[Group]:
        return sorted(self.groups.values(), key=lambda g: (-g.errors, -g.findings, g.key))


def rollups() -> dict[str, Rollup]:
    """Empty roll-ups by unit, year and region, in the order the index shows them."""
    return {
        "unit": Rollup(lambda d: str(d.row.org or UNKNOWN), _unit),
        "year": Rollup(lambda d: _year(d.row), lambda t: _year(t.row)),
        "region": Rollup(lambda d: _region(d.row), lambda t: _region(t.row)),
    }
