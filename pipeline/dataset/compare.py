"""`ziping diff`: two datasets side by side, per table and per row.

Ids are stable (a document's id is the hash of its bytes, a table's and a row's follow from
it), so two datasets of the same files (two profiles, two ziping versions, last year's run)
line up by id. A row is *added* or *removed* when its id is in one dataset only, *changed*
when a compared column differs; every changed cell is listed with both values. Bookkeeping
columns (when ingested, by which reader, under which profile name) are left out: they differ
by construction and say nothing about the content.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.dataset import load as dataset
from schemas.tables import TABLES, columns

COMPARED = ("documents", "eval_tables", "indicators", "findings", "claims")
IGNORED = frozenset({"ingested_at", "parser_version", "profile"})


@dataclass(frozen=True, slots=True)
class CellChange:
    table: str
    key: str
    column: str
    before: Any
    after: Any


@dataclass(slots=True)
class TableDiff:
    table: str
    rows_before: int = 0
    rows_after: int = 0
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[CellChange] = field(default_factory=list)

    @property
    def changed_rows(self) -> int:
        return len({c.key for c in self.changed})


def key_column(table: str) -> str:
    """The id column of a table: its first declared column (documents: doc_id, …)."""
    return columns(table)[0].name


def compare(before: Path, after: Path) -> list[TableDiff]:
    """Every compared table of the two datasets, in declaration order."""
    return [_compare_table(before, after, t) for t in COMPARED if t in TABLES]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9
    return bool(a == b)


def _compare_table(before: Path, after: Path, table: str) -> TableDiff:
    key = key_column(table)
    old = {r[key]: r for r in dataset.read_rows(before, table)}
    new = {r[key]: r for r in dataset.read_rows(after, table)}
    diff = TableDiff(table, rows_before=len(old), rows_after=len(new))
    diff.added = sorted(new.keys() - old.keys())
    diff.removed = sorted(old.keys() - new.keys())
    for id_ in sorted(old.keys() & new.keys()):
        a, b = old[id_], new[id_]
        for column in a:
            if column in IGNORED or column == key:
                continue
            if not _same(a[column], b.get(column)):
                diff.changed.append(CellChange(table, id_, column, a[column], b.get(column)))
    return diff


def summary_lines(diffs: list[TableDiff]) -> list[str]:
    """One line per table: rows on each side, added, removed, changed."""
    lines = [f"{'table':<12} {'before':>7} {'after':>7} {'added':>6} {'removed':>8} {'changed':>8}"]
    for d in diffs:
        lines.append(
            f"{d.table:<12} {d.rows_before:>7} {d.rows_after:>7} {len(d.added):>6} "
            f"{len(d.removed):>8} {d.changed_rows:>8}"
        )
    return lines


def change_records(diffs: list[TableDiff]) -> list[dict[str, Any]]:
    """Every difference as a flat record (table, id, change, column, before, after)."""
    records: list[dict[str, Any]] = []
    for d in diffs:
        records += [_record(d.table, k, "added") for k in d.added]
        records += [_record(d.table, k, "removed") for k in d.removed]
        records += [
            _record(c.table, c.key, "changed", c.column, c.before, c.after) for c in d.changed
        ]
    return records


def _record(
    table: str, key: str, change: str, column: str = "", before: Any = None, after: Any = None
) -> dict[str, Any]:
    return {
        "table": table,
        "id": key,
        "change": change,
        "column": column or None,
        "before": None if before is None else str(before),
        "after": None if after is None else str(after),
    }
