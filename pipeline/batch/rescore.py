"""`ziping rescore`: score a stored dataset again under another profile, without re-parsing.

Every score column is recomputed from the printed columns stored beside it (`build.rescore`)
and the findings `check_table` emits (`CHECK_CODES`) are regenerated from the new rows.
Findings that came from the source file itself — parser notices (TEXT_LAYER_UNREADABLE), cells
the reader could not align (ROW_UNPARSED, TABLE_UNPARSED), narrative claims (CLAIM_MISMATCH) —
cannot be recomputed without it and are kept as they were. Ids do not change: a table, row or
finding keeps its id under every profile, so two rescored copies of a dataset join on them.

A document is rewritten part by part, its `documents` row last (with the new profile name);
a run killed inside a document leaves that row naming the profile with a trailing `…`, which no
ingest takes for up to date, and running rescore again finishes the job.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.audit.build import rescore
from pipeline.audit.checks import check_table
from pipeline.batch import runlock
from pipeline.dataset import store
from pipeline.extract import region
from schemas.findings import CHECK_CODES, Where
from schemas.profile import Profile
from schemas.tables import (
    DocumentRow,
    EvalTableRow,
    FindingRow,
    IndicatorRow,
)

# Tables rewritten per document; `documents` last marks the document done.
_REWRITTEN = ("eval_tables", "indicators", "findings", "documents")


@dataclass
class Rescored:
    """One document's rows under the new profile."""

    document: DocumentRow
    tables: list[EvalTableRow]
    indicators: list[IndicatorRow]
    findings: list[FindingRow]
    kept: int  # findings kept from parsing and claims


@dataclass
class RescoreSummary:
    profile: str
    documents: int = 0
    tables: int = 0
    indicators: int = 0
    kept: int = 0
    findings_by_code: Counter[str] = field(default_factory=Counter)


def rescore_dataset(
    data: Path, profile: Profile, out: Path | None = None, wait: float = 0.0
) -> RescoreSummary:
    """Rescore every document of the dataset at `data`; write in place, or to `out`.

    Writing to `out` copies the tables rescoring does not touch (claims), so `out` is a
    complete dataset to compare with `data` row by row. Holds the folders' ingest lock
    (waiting up to `wait` seconds for it).
    """
    target = out or data
    summary = RescoreSummary(profile=profile.name)
    with contextlib.ExitStack() as locks:
        for folder in dict.fromkeys((data, target)):  # one writer per folder, as for ingest
            locks.enter_context(runlock.hold(folder, wait))
        store.recover(target)
        for document in sorted(store.read_rows(data, "documents"), key=lambda d: d.doc_id):
            result = rescore_document(
                document,
                _part(data, "eval_tables", document.doc_id),
                _part(data, "indicators", document.doc_id),
                _part(data, "findings", document.doc_id),
                profile,
            )
            if target != data:
                claims = _part(data, "claims", document.doc_id)
                years = store.partition_years(document.doc_id, document.year, [])
                store.write_part(target, "claims", document.doc_id, claims, years)
            _write(target, result)
            summary.documents += 1
            summary.tables += len(result.tables)
            summary.indicators += len(result.indicators)
            summary.kept += result.kept
            summary.findings_by_code.update(f.code for f in result.findings)
    return summary


def rescore_document(
    document: DocumentRow,
    tables: list[EvalTableRow],
    indicators: list[IndicatorRow],
    findings: list[FindingRow],
    profile: Profile,
) -> Rescored:
    """One document's stored rows, scored and checked under `profile`."""
    where = Where(document.doc_id, document.path)
    rows_of: dict[str, list[IndicatorRow]] = {}
    for row in sorted(indicators, key=lambda r: (r.table_id, r.seq)):
        rows_of.setdefault(row.table_id, []).append(row)
    new_tables: list[EvalTableRow] = []
    new_rows: list[IndicatorRow] = []
    checked: dict[str, list[FindingRow]] = {}
    for stored in sorted(tables, key=lambda t: t.seq):
        table, rows = rescore(stored, rows_of.get(stored.table_id, []), profile)
        new_tables.append(table)
        new_rows.extend(rows)
        checked[table.table_id] = list(check_table(where, table, rows, profile))
    kept = [f for f in findings if f.code not in CHECK_CODES]
    merged = _merge(kept, checked, [t.table_id for t in new_tables])
    merged = region.place_findings(document, new_tables, merged)
    return Rescored(
        document=dataclasses.replace(document, profile=profile.name, n_findings=len(merged)),
        tables=new_tables,
        indicators=new_rows,
        findings=merged,
        kept=len(kept),
    )


def _merge(
    kept: list[FindingRow], checked: dict[str, list[FindingRow]], order: list[str]
) -> list[FindingRow]:
    """Kept findings and new check findings in ingest order: document-level findings that
    came before the tables', then table by table (checks, then the table's kept findings),
    then the rest (claims)."""
    fresh = {f.finding_id for found in checked.values() for f in found}
    kept = [f for f in kept if f.finding_id not in fresh]  # a code checks took over
    first_table = next((i for i, f in enumerate(kept) if f.table_id is not None), len(kept))
    head = [f for f in kept[:first_table] if f.table_id is None]
    tail = [f for f in kept[first_table:] if f.table_id is None]
    merged = list(head)
    for tid in order:
        merged.extend(checked.get(tid, []))
        merged.extend(f for f in kept if f.table_id == tid)
    merged.extend(f for f in kept if f.table_id is not None and f.table_id not in checked)
    merged.extend(tail)
    return merged


def _part(data: Path, table: str, doc_id: str) -> list[Any]:
    """`doc_id`'s rows of `table` as its declared dataclass (none when there is no part)."""
    return store.read_part_rows(data, table, doc_id)


def _write(out: Path, result: Rescored) -> None:
    """The document's parts, its `documents` row last. Until then the row names the profile
    as still being applied, so a killed run leaves no document that a later ingest under the
    old profile would skip as up to date while its parts are half rescored."""
    doc_id = result.document.doc_id
    years = store.partition_years(doc_id, result.document.year, result.tables)
    pending = dataclasses.replace(result.document, profile=f"{result.document.profile}…")
    store.write_part(out, "documents", doc_id, [pending], years)
    parts: dict[str, list[Any]] = {
        "eval_tables": result.tables,
        "indicators": result.indicators,
        "findings": result.findings,
        "documents": [result.document],
    }
    for table in _REWRITTEN:
        store.write_part(out, table, doc_id, parts[table], years)
