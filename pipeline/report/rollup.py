"""Roll-ups an auditor pivots on: findings per unit, per year and per region.

Each finding counts where its table (else its document) belongs; a table or document with no
finding still counts in its group, so a unit with nothing wrong shows as 0, not as absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.report.model import DocumentView, Report, TableView
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


def _group(
    report: Report, of_doc: Callable[[DocumentView], str], of_table: Callable[[TableView], str]
) -> list[Group]:
    groups: dict[str, Group] = {}

    def at(key: str) -> Group:
        return groups.setdefault(key, Group(key))

    for doc in report.documents:
        at(of_doc(doc)).documents += 1
        for table in doc.tables:
            group = at(of_table(table))
            group.tables += 1
            for row in table.rows:
                group.findings += len(row.findings)
                group.errors += sum(f.severity == "error" for f in row.findings)
            group.findings += len(table.findings)
            group.errors += sum(f.severity == "error" for f in table.findings)
        loose = [f for f in doc.findings if not f.row.table_id]
        at(of_doc(doc)).findings += len(loose)
        at(of_doc(doc)).errors += sum(f.severity == "error" for f in loose)
    return sorted(groups.values(), key=lambda g: (-g.errors, -g.findings, g.key))


def by_unit(report: Report) -> list[Group]:
    return _group(report, lambda d: str(d.row.org or UNKNOWN), _unit)


def by_year(report: Report) -> list[Group]:
    return _group(report, lambda d: _year(d.row), lambda t: _year(t.row))


def by_region(report: Report) -> list[Group]:
    return _group(report, lambda d: _region(d.row), lambda t: _region(t.row))
