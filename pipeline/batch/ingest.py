"""A batch: find the files, skip what is unchanged, run `process_file` on each (serially,
in a process pool or on Dask), write each document's rows as it completes, record the run.

One bad file never stops a batch (`pipeline.batch.document.process_file` turns it into an error
row); one writer at a time holds the output folder's lock.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from parsers.limits import DEFAULT as DEFAULT_LIMITS
from parsers.limits import Limits
from pipeline import __version__
from pipeline.batch import executors, runlock
from pipeline.batch.document import (
    DocResult,
    failed,
    process_file,
    reader_version_of,
    sha256_of,
    stream_sha256,
)
from pipeline.dataset import store
from schemas import ZipingError
from schemas.profile import Profile
from schemas.tables import (
    DocumentRow,
    RunRow,
)


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files under `paths` (folders searched recursively, hidden entries skipped), sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs. The defaults are a serial run that skips unchanged documents."""

    workers: int = 1
    """Local processes (1: in this process). The CLI defaults to the machine's cores."""
    executor: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    """Dask scheduler address (tcp://HOST:8786); None starts a LocalCluster."""
    retries: int = 2
    """Dask: times a task is retried when its worker dies."""
    doc_timeout: float | None = 300.0
    """Seconds one document may take before it becomes status=error (None: no limit)."""
    force: bool = False
    """Re-do documents even when bytes, parser version and profile are unchanged."""
    wait: float = 0.0
    """Seconds to wait for another ingest holding the output folder's lock."""
    limits: Limits = DEFAULT_LIMITS


@dataclass
class RunSummary:
    run_id: str = ""
    results: list[DocumentRow] = field(default_factory=list)
    """Every file's row in input order; a skipped file shows its row from the earlier run."""
    skipped: int = 0
    tables: int = 0
    indicators: int = 0
    findings_by_code: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[DocumentRow]:
        return [d for d in self.results if d.status == "error"]


@dataclass(frozen=True)
class _Done:
    """What comes back from a worker: the document row and its finding counts, plus the rows
    themselves when the worker could not write them (Dask: workers may not see `out`)."""

    index: int
    document: DocumentRow
    findings_by_code: dict[str, int]
    result: DocResult | None


@dataclass(frozen=True)
class _Job:
    """Everything a worker needs besides the file: shipped once per task, small."""

    profile: Profile
    limits: Limits
    doc_timeout: float | None
    out: Path | None
    """Where the worker writes the rows itself; None: return them."""


def ingest(
    files: list[Path],
    out: Path,
    profile: Profile,
    on_done: Callable[[DocumentRow], None] | None = None,
    options: BatchOptions | None = None,
) -> RunSummary:
    """Process `files` and write each document's rows to `out` as soon as it is done.

    Holds the folder's lock for the whole run, first clears what a killed run left, skips
    unchanged documents, records the run in the `runs` table. Row order in the dataset does
    not depend on which document finished first: parts are named by doc_id and read sorted.
    `on_done` is called once per file (skipped ones too), in completion order.
    """
    options = options or BatchOptions()
    with runlock.hold(out, options.wait):
        store.recover(out)
        run = _start_run(out, profile)
        plan = _plan(files, out, profile, options)
        summary = RunSummary(run_id=run.run_id, skipped=len(plan.skipped))
        done: dict[int, DocumentRow] = {}
        for index, row in plan.skipped.items():
            done[index] = row
            if on_done is not None:
                on_done(row)
        for finished in _execute(plan.todo, out, profile, options):
            if finished.result is not None:
                write_result(out, finished.result)
            done[finished.index] = finished.document
            _count(summary, finished)
            if on_done is not None:
                on_done(finished.document)
        summary.results = [done[i] for i in sorted(done)]
        _finish_run(out, run, summary)
    return summary


@dataclass
class _Plan:
    todo: list[tuple[int, Path]] = field(default_factory=list)
    skipped: dict[int, DocumentRow] = field(default_factory=dict)


def _plan(files: list[Path], out: Path, profile: Profile, options: BatchOptions) -> _Plan:
    """Which files to read. A file is skipped when the dataset already holds it with the same
    bytes, reader version and profile (unless --force), or when an earlier file in this run
    has the same bytes (one doc_id, one set of rows: the first path wins). A changed file's
    old rows are removed here."""
    previous = {d.path: d for d in _previous_documents(out)}
    plan = _Plan()
    seen: set[str] = set()
    for index, path in enumerate(files):
        key = _key(path, options.limits)
        old = previous.get(str(path))
        if key is not None:
            doc_id, version = key
            if doc_id in seen:
                plan.skipped[index] = _duplicate(path, doc_id, profile)
                continue
            seen.add(doc_id)
            if (
                old is not None
                and not options.force
                and (old.doc_id, old.profile, old.parser_version) == (doc_id, profile.name, version)
            ):
                plan.skipped[index] = old
                continue
        if old is not None and (key is None or old.doc_id != key[0]):
            store.remove_document(out, old.doc_id)  # the file changed: its old rows go
        plan.todo.append((index, path))
    return plan


def _key(path: Path, limits: Limits) -> tuple[str, str | None] | None:
    """(doc_id, reader version) of a file, or None when it is unreadable or too large to
    hash here (such files are always re-done: they fail fast)."""
    try:
        if path.stat().st_size > limits.max_bytes:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return sha256_of(data), reader_version_of(data, path, limits.ocr)


def _duplicate(path: Path, doc_id: str, profile: Profile) -> DocumentRow:
    """The summary's row for a file whose bytes an earlier file of the run already has."""
    row = failed(path, doc_id, 0, "", profile).document
    return dataclasses.replace(row, status="duplicate", error="same bytes as an earlier file")


def _previous_documents(out: Path) -> list[DocumentRow]:
    try:
        rows: list[DocumentRow] = store.read_documents(out)
    except (OSError, ValueError, ZipingError):
        return []
    return rows


def _execute(
    todo: Sequence[tuple[int, Path]], out: Path, profile: Profile, options: BatchOptions
) -> Iterable[_Done]:
    executor: executors.Executor
    if options.executor == "dask":
        executor = executors.Dask(options.scheduler, max(1, options.workers), options.retries)
        writer: Path | None = None  # results travel back and are written here
    elif options.workers > 1 and len(todo) > 1:
        hang = options.doc_timeout + 30 if options.doc_timeout else None
        executor = executors.LocalPool(options.workers, hang_after=hang)
        writer = out  # each worker writes its own parts: the parent only keeps count
    else:
        executor = executors.Serial()
        writer = out
    job = _Job(profile, options.limits, options.doc_timeout, writer)
    crashed = functools.partial(_crashed, job)
    return executor.run(functools.partial(_run_one, job), todo, crashed)


def _run_one(job: _Job, item: tuple[int, Path]) -> _Done:
    """The task every executor runs: `process_file` under the time limit, written or returned."""
    index, path = item
    try:
        result = executors.call_with_timeout(
            process_file, job.doc_timeout, path, job.profile, job.limits
        )
    except executors.DocTimeout:
        result = failed(
            path,
            stream_sha256(path),
            _size(path),
            f"gave up after {job.doc_timeout:g} s: over the limit doc_timeout "
            "(raise it with --doc-timeout)",
            job.profile,
        )
    codes: dict[str, int] = {}
    for finding in result.findings:
        codes[finding.code] = codes.get(finding.code, 0) + 1
    if job.out is None:
        return _Done(index, result.document, codes, result)
    write_result(job.out, result)
    return _Done(index, result.document, codes, None)


def _crashed(job: _Job, item: tuple[int, Path], reason: str) -> _Done:
    index, path = item
    result = failed(path, stream_sha256(path), _size(path), reason, job.profile)
    if job.out is not None:
        write_result(job.out, result)
        return _Done(index, result.document, {}, None)
    return _Done(index, result.document, {}, result)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def write_result(out: Path, result: DocResult) -> None:
    doc_id = result.document.doc_id
    years = store.partition_years(doc_id, result.document.year, result.tables)
    store.write_part(out, "eval_tables", doc_id, result.tables, years)
    store.write_part(out, "indicators", doc_id, result.indicators, years)
    store.write_part(out, "findings", doc_id, result.findings, years)
    store.write_part(out, "claims", doc_id, result.claims, years)
    store.write_part(out, "documents", doc_id, [result.document], years)


def _start_run(out: Path, profile: Profile) -> RunRow:
    started = datetime.now(UTC)
    run = RunRow(
        run_id=f"{started:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(3)}",
        started_at=started,
        finished_at=None,
        version=__version__,
        profile=profile.name,
        documents_seen=0,
        skipped=0,
        ok=0,
        failed=0,
    )
    store.write_run(out, run)
    return run


def _finish_run(out: Path, run: RunRow, summary: RunSummary) -> None:
    failed = sum(1 for d in summary.results if d.status == "error")
    store.write_run(
        out,
        dataclasses.replace(
            run,
            finished_at=datetime.now(UTC),
            documents_seen=len(summary.results),
            skipped=summary.skipped,
            ok=len(summary.results) - failed - summary.skipped,
            failed=failed,
        ),
    )


def _count(summary: RunSummary, done: _Done) -> None:
    summary.tables += done.document.n_tables
    summary.indicators += done.document.n_indicators
    for code, count in done.findings_by_code.items():
        summary.findings_by_code[code] = summary.findings_by_code.get(code, 0) + count


def default_workers() -> int:
    return os.cpu_count() or 1
