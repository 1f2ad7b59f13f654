"""The dataset read a few batches at a time, so `ziping report` holds one batch, never all.

The writer stores whole documents in batches (`part-<batch>.parquet` under every table), so
the files of a batch hold every row of its documents. A first pass reads only the `doc_id`
column of every committed file and groups files that share a document into *units*; whatever
the layout (a hand-written `part-0.parquet`, a batch rewritten under a new name), a unit holds
all rows of its documents, and memory is bounded by the largest unit, not by the dataset.

The same pass fixes where each document goes in the whole report: its number (`docs/d7.html`,
in `doc_id` order as `dataset.load` reads documents), the number of tables and indicator rows
of the documents before it (tables are numbered T1… across the report; a finding in diff.xlsx
links to its row of 指标明细 by row number). Per document that is its doc_id, once, in a sorted
list, and three integers in arrays (`ByDocument`): a few dozen bytes, not dicts.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from array import array
from collections import Counter
from collections.abc import Iterator, Mapping
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


class ByDocument(Mapping[str, int]):
    """A number per document, by doc_id: held as the sorted doc_ids (one string each, shared
    by every such map of a plan) and an array of numbers, not a dict per map."""

    def __init__(self, doc_ids: list[str], values: array[int]) -> None:
        self.doc_ids, self.numbers = doc_ids, values

    def place(self, doc_id: str) -> int | None:
        """Where `doc_id` sits in doc_id order (None: no document of the dataset)."""
        at = bisect.bisect_left(self.doc_ids, doc_id)
        return at if at < len(self.doc_ids) and self.doc_ids[at] == doc_id else None

    def __getitem__(self, doc_id: str) -> int:
        at = self.place(doc_id)
        if at is None:
            raise KeyError(doc_id)
        return self.numbers[at]

    def __iter__(self) -> Iterator[str]:
        return iter(self.doc_ids)

    def __len__(self) -> int:
        return len(self.doc_ids)


@dataclass(slots=True)
class Plan:
    """Where each document sits in the whole report, and which files to read together."""

    number: ByDocument  # doc_id -> 1-based, doc_id order
    tables_before: ByDocument  # doc_id -> tables of the documents before it
    rows_before: ByDocument  # doc_id -> indicator rows of the documents before it
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
    """Union-find over (table, file): files that share a document end in one unit. A
    document's first file is kept by its place in doc_id order (`owner`), an orphan's (a row
    whose document the dataset does not hold) by its doc_id."""

    def __init__(self, known: ByDocument) -> None:
        self.known = known
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}
        self.nodes: list[tuple[str, str]] = []
        self.owner = array("q", [-1]) * len(known)
        self.orphans: dict[str, tuple[str, str]] = {}

    def find(self, node: tuple[str, str]) -> tuple[str, str]:
        root = self.parent.setdefault(node, node)
        while root != self.parent[root]:
            root = self.parent[root]
        self.parent[node] = root
        return root

    def add(self, node: tuple[str, str], doc_ids: set[str]) -> None:
        self.find(node)
        self.nodes.append(node)
        for doc_id in doc_ids:
            at = self.known.place(doc_id)
            if at is None:
                first = self.orphans.setdefault(doc_id, node)
            else:
                if self.owner[at] < 0:
                    self.owner[at] = len(self.nodes) - 1
                first = self.nodes[self.owner[at]]
            self.parent[self.find(first)] = self.find(node)


def plan(data: Path, manifest: Manifest) -> Plan:
    """Read the id columns of every committed file once; see the module's docstring."""
    ids: set[str] = set()
    for path in manifest.paths(data, "documents"):
        ids.update(_ids(path, "documents")[0])
    doc_ids = sorted(ids)
    del ids
    known = ByDocument(doc_ids, array("q", range(1, len(doc_ids) + 1)))
    files = _Files(known)
    tables = array("q", [0]) * len(doc_ids)  # by place: the document's tables
    table_doc: dict[str, int] = {}  # table_id -> its document's place
    row_tables: Counter[str] = Counter()  # table_id -> indicator rows
    for table in DOC_TABLES:
        for path in manifest.paths(data, table):
            doc_ids_of, table_ids = _ids(path, table)
            if table == "eval_tables":
                for table_id, doc_id in zip(table_ids, doc_ids_of, strict=True):
                    at = known.place(doc_id)
                    if at is not None:
                        table_doc[table_id] = at
                        tables[at] += 1
            elif table == "indicators":
                row_tables.update(table_ids)
            files.add((table, str(path.relative_to(data / table))), set(doc_ids_of))
    # what each document shows: its tables, and the rows of its tables (an orphan row is shown
    # nowhere, so it takes no row of 指标明细)
    rows = array("q", [0]) * len(doc_ids)
    for table_id, n in row_tables.items():
        if table_id in table_doc:
            rows[table_doc[table_id]] += n
    out = Plan(
        known,
        ByDocument(doc_ids, _running(tables)),
        ByDocument(doc_ids, _running(rows)),
        tables=sum(tables),
        rows=sum(rows),
    )
    groups: dict[tuple[str, str], dict[str, list[str]]] = {}
    for node in files.parent:
        table, name = node
        groups.setdefault(files.find(node), {}).setdefault(table, []).append(name)
    out.units = [
        {t: sorted(names) for t, names in unit.items()}
        for unit in sorted(groups.values(), key=lambda u: sorted(u.items()))
    ]
    return out


def _running(counts: array[int]) -> array[int]:
    """At each place, the sum of the counts before it."""
    return array("q", itertools.accumulate(counts, initial=0))[:-1]


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
