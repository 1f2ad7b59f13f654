"""`ziping rescore`: score a stored dataset again under another profile, without re-parsing.

Every score column is recomputed from the printed columns stored beside it (`build.rescore`)
and the findings `check_table` emits (`CHECK_CODES`) are regenerated from the new rows.
Findings that came from the source file itself — parser notices (TEXT_LAYER_UNREADABLE), cells
the reader could not align (ROW_UNPARSED, TABLE_UNPARSED), narrative claims (CLAIM_MISMATCH) —
cannot be recomputed without it and are kept as they were. Ids do not change: a table, row or
finding keeps its id under every profile, so two rescored copies of a dataset join on them.

Documents are rescored a stored batch at a time and committed whole by the dataset writer
(pipeline/dataset/writer.py): a reader, or a run killed at any moment, sees each document
under the old profile or the new one, never a mix; running rescore again finishes the job.

A document that fails to rescore (a bug, or stored rows no rule can take) does not stop the
others: it becomes a `status=error` documents row under the new profile with the one-line
reason, its other rows leave the dataset (`ziping ingest --force` reads it again), and the
traceback goes to `<out>/_logs/rescore-….log`. With `debug` the exception is raised instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.audit.build import rescore
from pipeline.audit.checks import check_table
from pipeline.batch import runlock
from pipeline.batch.failures import FailureLog
from pipeline.dataset import disk, partition, store
from pipeline.dataset.index import read_index
from pipeline.dataset.lookup import Stored
from pipeline.dataset.writer import Writer, read_batch
from pipeline.extract import region
from schemas.findings import CHECK_CODES
from schemas.place import Where
from schemas.profile import Profile
from schemas.tables import (
    ClaimRow,
    DocumentRow,
    EvalTableRow,
    FindingRow,
    IndicatorRow,
)


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
    failed: list[DocumentRow] = field(default_factory=list)
    log: Path | None = None
    """The failure log (pipeline/batch/failures.py), when a document failed."""


def rescore_dataset(
    data: Path, profile: Profile, out: Path | None = None, wait: float = 0.0, debug: bool = False
) -> RescoreSummary:
    """Rescore every document of the dataset at `data`; write in place, or to `out`.

    Writing to `out` copies the tables rescoring does not touch (claims), so `out` is a
    complete dataset to compare with `data` row by row. Holds the folders' ingest lock
    (waiting up to `wait` seconds for it). `debug` raises a document's exception.
    """
    target = out or data
    summary = RescoreSummary(profile=profile.name)
    try:
        _rescore(data, target, profile, (wait, debug), summary)
    except OSError as exc:  # the disk: each committed document is whole, under one profile
        kept = (
            f"Each document of {target} is whole, under {profile.name} if its batch was "
            "committed before this, else as it was; run rescore again to finish once fixed"
        )
        raise disk.stopped(exc, f"rescore of {data}", kept) from None
    return summary


def _rescore(
    data: Path,
    target: Path,
    profile: Profile,
    wait_debug: tuple[float, bool],
    summary: RescoreSummary,
) -> None:
    wait, debug = wait_debug
    prefix = f"rescore-{datetime.now(UTC):%Y%m%dT%H%M%S%f}Z"
    with contextlib.ExitStack() as locks:
        for folder in dict.fromkeys((data, target)):  # one writer per folder, as for ingest
            locks.enter_context(runlock.hold(folder, wait))
        writer = locks.enter_context(Writer(target, prefix))
        failures = locks.enter_context(FailureLog(target, prefix))
        writer.recover()
        manifest = store.read_manifest(data)
        index = read_index(data, manifest)
        entries = {r["doc_id"]: r for r in index.to_pylist()}
        for batch in sorted(set(index.column("batch").to_pylist())):
            rows = {t: _by_doc(read_batch(data, manifest, t, batch)) for t in store.DOC_TABLES}
            for doc_id, (document,) in sorted(rows["documents"].items()):
                result, claims = _rescore_or_fail(document, rows, profile, failures, debug)
                writer.add(_tables(result, claims), _stored(entries[doc_id], result.document))
                summary.documents += 1
                summary.tables += len(result.tables)
                summary.indicators += len(result.indicators)
                summary.kept += result.kept
                summary.findings_by_code.update(f.code for f in result.findings)
    summary.failed = failures.documents
    summary.log = failures.path if failures.documents else None


def _rescore_or_fail(
    document: DocumentRow,
    rows: dict[str, dict[str, list[Any]]],
    profile: Profile,
    failures: FailureLog,
    debug: bool,
) -> tuple[Rescored, list[ClaimRow]]:
    """The document rescored, with its claims; or, when that raises, its error row alone (the
    traceback logged), unless `debug` lets the exception through."""
    doc_id = document.doc_id
    try:
        result = rescore_document(
            document,
            rows["eval_tables"].get(doc_id, []),
            rows["indicators"].get(doc_id, []),
            rows["findings"].get(doc_id, []),
            profile,
        )
    except Exception as exc:  # one document's bug must not stop the dataset
        if debug:
            raise
        failed = _failed(document, profile, exc)
        failures.add(failed.document, traceback.format_exc())
        return failed, []
    return result, rows["claims"].get(doc_id, [])


def _failed(document: DocumentRow, profile: Profile, exc: Exception) -> Rescored:
    """The documents row of a document that could not be rescored, alone: its stored rows were
    scored under the old profile and cannot stay beside the new one's."""
    message = " ".join(str(exc).split())
    reason = (
        f"rescore under {profile.name} failed: {type(exc).__name__}: {message}"[:400]
        + "; `ziping ingest --force` reads the file again"
    )
    row = dataclasses.replace(
        document,
        status="error",
        error=reason,
        profile=profile.name,
        n_tables=0,
        n_indicators=0,
        n_findings=0,
    )
    return Rescored(document=row, tables=[], indicators=[], findings=[], kept=0)


def _by_doc(rows: list[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.doc_id, []).append(row)
    return grouped


def _tables(result: Rescored, claims: list[ClaimRow]) -> dict[str, pa.Table]:
    about = partition.folders(result.document, result.tables)
    parts: dict[str, list[Any]] = {
        "eval_tables": result.tables,
        "indicators": result.indicators,
        "findings": result.findings,
        "claims": claims,
        "documents": [result.document],
    }
    return {t: store.with_partition(t, rows, about) for t, rows in parts.items() if rows}


def _stored(entry: dict[str, Any], document: DocumentRow) -> Stored:
    """The index entry of a rescored document: its profile and status now."""
    return Stored(**{**entry, "profile": document.profile, "status": document.status})


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
