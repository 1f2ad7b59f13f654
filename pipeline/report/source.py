"""The dataset read a few batches at a time, so `ziping report` holds one batch, never all.

The writer stores whole documents in batches (`part-<batch>.parquet` under every table), so
the files of a batch hold every row of its documents. A first pass reads only the `doc_id`
column of every committed file and groups files that share a document into *units*; whatever
the layout (a hand-written `part-0.parquet`, a batch rewritten under a new name), a unit holds
all rows of its documents, and memory is bounded by the largest unit, not by the dataset.

The same pass fixes where each document goes in the whole report: its number (`docs/d7.html`,
in `doc_id` order as `dataset.load` reads documents), the number of tables and indicator rows
of the documents before it (tables are numbered T1… across the report; a finding in diff.xlsx
links to its row of 指标明细 by row number).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.dataset import load as dataset
from pipeline.dataset import store
from pipeline.dataset.store import DOC_TABLES, Manifest
from schemas.tables import ClaimRow, DocumentRow, EvalTableRow, FindingRow, IndicatorRow


@dataclass(slots=True)
class Unit:
    """All rows of some documents: every table's rows whose doc_id is one of theirs."""

    documents: list[DocumentRow]
    tables: list[EvalTableRow]
    indicators: list[IndicatorRow]
    findings: list[FindingRow]
    claims: list[ClaimRow]


@dataclass(slots=True)
class Plan:
    """Where each document sits in the whole report, and which files to read together."""

    number: dict[str, int] = field(default_factory=dict)  # doc_id -> 1-based, doc_id order
    tables_before: dict[str, int] = field(default_factory=dict)  # doc_id -> tables before it
    rows_before: dict[str, int] = field(default_factory=dict)  # doc_id -> indicator rows before
    tables: int = 0  # tables of known documents (orphan tables are numbered after them)
    rows: int = 0
    units: list[dict[str, list[str]]] = field(default_factory=list)  # table -> files


def _ids(path: Path, table: str) -> tuple[list[str], list[str]]:
    """The doc_id column of a file, and its table_id column (tables and rows; else [])."""
    names = ["doc_id", "table_id"] if table in ("eval_tables", "indicators") else ["doc_id"]
    data = pq.read_table(store.existing(path), columns=names)
    doc_ids = [str(v) for v in data.column("doc_id").to_pylist()]
    table_ids = [str(v) for v in data.column("table_id").to_pylist()] if len(names) > 1 else []
    return doc_ids, table_ids


class _Files:
    """Union-find over (table, file): files that share a document end in one unit."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}
        self.owner: dict[str, tuple[str, str]] = {}

    def find(self, node: tuple[str, str]) -> tuple[str, str]:
        root = self.parent.setdefault(node, node)
        while root != self.parent[root]:
            root = self.parent[root]
        self.parent[node] = root
        return root

    def add(self, node: tuple[str, str], doc_ids: set[str]) -> None:
        self.find(node)
        for doc_id in doc_ids:
            first = self.owner.setdefault(doc_id, node)
            self.parent[self.find(first)] = self.find(node)


def plan(data: Path, manifest: Manifest) -> Plan:
    """Read the id columns of every committed file once; see the module's docstring."""
    files = _Files()
    known: set[str] = set()
    table_doc: dict[str, str] = {}  # table_id -> doc_id
    tables: Counter[str] = Counter()  # doc_id -> tables
    row_tables: Counter[str] = Counter()  # table_id -> indicator rows
    for table in DOC_TABLES:
        for path in manifest.paths(data, table):
            doc_ids, table_ids = _ids(path, table)
            if table == "documents":
                known.update(doc_ids)
            elif table == "eval_tables":
                table_doc.update(zip(table_ids, doc_ids, strict=True))
                tables.update(doc_ids)
            elif table == "indicators":
                row_tables.update(table_ids)
            files.add((table, str(path.relative_to(data / table))), set(doc_ids))
    # what each document shows: its tables, and the rows of its tables (an orphan row is shown
    # nowhere, so it takes no row of 指标明细)
    rows: Counter[str] = Counter()
    for table_id, n in row_tables.items():
        if table_id in table_doc:
            rows[table_doc[table_id]] += n
    out = Plan()
    for number, doc_id in enumerate(sorted(known), 1):
        out.number[doc_id] = number
        out.tables_before[doc_id] = out.tables
        out.rows_before[doc_id] = out.rows
        out.tables += tables[doc_id]
        out.rows += rows[doc_id]
    groups: dict[tuple[str, str], dict[str, list[str]]] = {}
    for node in files.parent:
        table, name = node
        groups.setdefault(files.find(node), {}).setdefault(table, []).append(name)
    out.units = [
        {t: sorted(names) for t, names in unit.items()}
        for unit in sorted(groups.values(), key=lambda u: sorted(u.items()))
    ]
    return out


def units(data: Path, manifest: Manifest, work: Plan) -> Iterator[Unit]:
    """Each unit's rows as their declared row types, one unit in memory at a time."""
    for files in work.units:
        part = dataclasses.replace(manifest, files=files)

        def rows(row_type: type[dataset.R], part: Manifest = part) -> list[dataset.R]:
            name = dataset.TABLE_OF[row_type]
            return dataset.typed(row_type, store.read_arrow(data, name, part))

        yield Unit(
            documents=rows(DocumentRow),
            tables=rows(EvalTableRow),
            indicators=rows(IndicatorRow),
            findings=rows(FindingRow),
            claims=rows(ClaimRow),
        )
