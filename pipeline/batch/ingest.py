"""A batch: find the files, skip what is unchanged, run `process_file` on each (serially,
in a process pool or on Dask), commit the documents' rows in batches, record the run.

One bad file never stops a batch (`pipeline.batch.document.process_file` turns it into an error
row); one writer at a time holds the output folder's lock. Workers only read: every row comes
back to this process as Arrow, and the dataset writer (pipeline/dataset/writer.py) commits
whole documents, so readers see each document before or after, never half.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from parsers import archive
from parsers.limits import DEFAULT as DEFAULT_LIMITS
from parsers.limits import Limits
from pipeline import __version__
from pipeline.batch import runlock
from pipeline.batch.failures import FailureLog
from pipeline.batch.outfolder import OutFolder
from pipeline.batch.plan import Choices, plan, unread_id
from pipeline.dataset import disk, runlog
from pipeline.dataset.lookup import Catalog, Stored
from schemas import SchemaError, ZipingError, ids
from schemas.profile import Profile
from schemas.tables import DocumentRow, RunRow

if TYPE_CHECKING:
    import pyarrow as pa

    from pipeline.batch import executors
    from pipeline.batch.document import DocResult
    from pipeline.extract.region import ManifestEntry


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
    checksum: bool = False
    """Compare unchanged-looking files by their bytes, not by size and modification time."""
    prune: bool = False
    """Remove the rows of files that are no longer on disk (else they are only reported)."""
    flush_docs: int = 500
    """Documents per committed batch (also committed every few seconds)."""
    manifest: Mapping[str, ManifestEntry] = field(default_factory=dict)
    """`--manifest`: what is known of a file by path (region, unit, year, URL)."""
    debug: bool = False
    """Raise a document's exception instead of recording it: documents run one after the
    other in this process, without the time limit (a debugger may stop as long as it likes)."""
    unread: Mapping[str, str] = field(default_factory=dict)
    """Files the walk found but will not read, with the reason, by path (`walk.Walk`)."""


@dataclass
class RunSummary:
    run_id: str = ""
    results: list[DocumentRow] = field(default_factory=list)
    """The rows of the files read in this run and of duplicates, in input order (unchanged
    files are only counted: a re-run's memory does not grow with the folder)."""
    seen: int = 0
    skipped: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    tables: int = 0
    indicators: int = 0
    findings_by_code: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    """Stored files no longer on disk (removed with --prune)."""
    pruned: bool = False
    log: Path | None = None
    """The run's failure log (pipeline/batch/failures.py), when a document failed."""

    @property
    def failed(self) -> list[DocumentRow]:
        return [d for d in self.results if d.status == "error"]

    def record(self, out: Path) -> dict[str, object]:
        """The run in numbers, for --json."""
        return {
            "dataset": str(out),
            "run_id": self.run_id,
            "documents": len(self.results),
            "skipped": self.skipped,
            "failed": [{"path": d.path, "error": d.error} for d in self.failed],
            "log": None if self.log is None else str(self.log),
            "tables": self.tables,
            "indicators": self.indicators,
            "findings_by_code": self.findings_by_code,
        }


@dataclass(frozen=True)
class _Done:
    """What comes back from a worker: the document row, its finding counts, its rows as Arrow
    and its index entry (workers never write: on Dask they may not even see `out`)."""

    index: int
    document: DocumentRow
    findings_by_code: dict[str, int]
    tables: dict[str, pa.Table]
    stored: Stored
    trace: str | None = None


@dataclass(frozen=True)
class _Job:
    """Everything a worker needs besides the file: shipped once per task, small."""

    profile: Profile
    limits: Limits
    doc_timeout: float | None
    manifest: Mapping[str, ManifestEntry] = field(default_factory=dict)
    debug: bool = False
    unread: Mapping[str, str] = field(default_factory=dict)


def ingest(
    files: Iterable[Path],
    out: Path,
    profile: Profile,
    on_done: Callable[[DocumentRow | None], None] | None = None,
    options: BatchOptions | None = None,
    on_planned: Callable[[int], None] | None = None,
) -> RunSummary:
    """Process `files` and commit their rows to `out` in batches as they are done.

    Holds the folder's lock for the whole run, first clears what a killed run left, skips
    unchanged documents, records the run in the `runs` table. Row order in the dataset does
    not depend on which document finished first (readers order rows by document).
    `on_done` is called once per file (None for one skipped as unchanged), after
    `on_planned` with the number of files (`files` may be a stream: `walk.stream`).
    """
    options = options or BatchOptions()
    try:
        return _ingest(files, out, profile, on_done, options, on_planned)
    except OSError as exc:  # the disk, not a document: those are rows
        raise disk.stopped(exc, f"ingest into {out}", kept_message(out)) from None


def kept_message(out: Path) -> str:
    """What a run stopped by the file system leaves: the documents of its last commit."""
    from pipeline.dataset.writer import committed_documents  # noqa: PLC0415  (pyarrow)

    count = committed_documents(out)
    if count is None:
        return "The dataset is as its last commit left it; run the same command again when fixed"
    return (
        f"The dataset keeps the {count:,} documents committed before it, each whole; run the "
        "same command again to finish once fixed"
    )


def _ingest(
    files: Iterable[Path],
    out: Path,
    profile: Profile,
    on_done: Callable[[DocumentRow | None], None] | None,
    options: BatchOptions,
    on_planned: Callable[[int], None] | None = None,
) -> RunSummary:
    with runlock.hold(out, options.wait):
        run = _start_run(out, profile)
        summary = RunSummary(run_id=run.run_id)
        failures = FailureLog(out, run.run_id)
        with OutFolder(out, run.run_id, options.flush_docs) as folder, failures:
            stored = folder.stored()
            _one_profile(stored, out, profile, options.force)
            todo = plan(
                files,
                stored,
                profile,
                options.limits,
                Choices(options.force, options.checksum, options.unread),
            )
            summary.skipped = todo.skipped
            if on_planned is not None:
                on_planned(todo.skipped + len(todo.duplicates) + len(todo.todo))
            summary.missing = [s.path for s in todo.missing]
            if options.prune:
                for gone in todo.missing:
                    folder.writer().remove(gone.doc_id)
                summary.pruned = True
            for _ in range(todo.skipped):
                if on_done is not None:
                    on_done(None)
            done: dict[int, DocumentRow] = {}
            for index, duplicate in todo.duplicates:
                done[index] = duplicate
                if on_done is not None:
                    on_done(duplicate)
            if todo.todo:  # pyarrow, told there is no pandas, before any Arrow table is built
                folder.writer()
            for finished in _execute(todo.todo, profile, options):
                folder.writer().add(finished.tables, finished.stored)
                done[finished.index] = finished.document
                if finished.document.status == "error":
                    failures.add(finished.document, finished.trace)
                _count(summary, finished)
                if on_done is not None:
                    on_done(finished.document)
        summary.log = failures.path if failures.documents else None
        summary.results = [done[i] for i in sorted(done)]
        summary.seen = summary.skipped + len(summary.results)
        summary.by_status.update(d.status for d in summary.results)
        _finish_run(out, run, summary)
    return summary


def _one_profile(stored: Catalog, out: Path, profile: Profile, force: bool) -> None:
    """Refuse to mix profiles in one dataset unless --force re-reads everything under the new
    one (or `ziping rescore` switches it whole)."""
    others = sorted(stored.profiles() - {profile.name})
    if others and not force:
        raise ZipingError(
            f"{out} holds documents scored under profile {', '.join(others)}; ingesting with "
            f"{profile.name} would mix profiles in one dataset. Use `ziping rescore --data "
            f"{out} --profile {profile.name}` to switch it, or --force to re-read everything"
        )


def _execute(
    todo: Sequence[tuple[int, Path]], profile: Profile, options: BatchOptions
) -> Iterable[_Done]:
    if not todo:
        return ()
    from pipeline.batch import executors  # noqa: PLC0415  (multiprocessing: only with work)

    executor: executors.Executor
    if options.debug:
        executor = executors.Serial()  # the exception must reach this process's caller
    elif options.executor == "dask":
        executor = executors.Dask(options.scheduler, max(1, options.workers), options.retries)
    elif options.workers > 1 and len(todo) > 1:
        hang = options.doc_timeout + 30 if options.doc_timeout else None
        executor = executors.LocalPool(options.workers, hang_after=hang)
    else:
        executor = executors.Serial()
    timeout = None if options.debug else options.doc_timeout
    job = _Job(profile, options.limits, timeout, options.manifest, options.debug, options.unread)
    crashed = functools.partial(_crashed, job)
    return executor.run(functools.partial(_run_one, job), todo, crashed)


def _run_one(job: _Job, item: tuple[int, Path]) -> _Done:
    """The task every executor runs: `process_file` under the time and memory limits, its
    rows as Arrow (checked against the schema here: a misfit is this document's error)."""
    from pipeline.batch import executors  # noqa: PLC0415
    from pipeline.batch.document import (  # noqa: PLC0415  (jieba, readers: only with work)
        failed,
        process_file,
    )

    index, path = item
    size, mtime = _stat(path)
    unread = job.unread.get(str(path))
    if unread is not None:  # the walk's refusal (a link out of the input folders): not opened
        result = failed(path, unread_id(path, unread), 0, unread, job.profile)
        return _done(index, result, 0, -1, job)
    try:
        with executors.memory_ceiling(job.limits.max_doc_memory):
            result = executors.call_with_timeout(
                process_file,
                job.doc_timeout,
                path,
                job.profile,
                job.limits,
                job.manifest.get(str(path)),
                job.debug,
            )
    except executors.MemoryCeiling:
        executors.give_back_memory()
        if job.debug:
            raise
        reason = (
            f"used over {job.limits.max_doc_memory:,} bytes of memory: over the limit "
            "max_doc_memory (raise it with --max-doc-memory)"
        )
        result = failed(path, ids.file_doc_id(path), size, reason, job.profile)
    except executors.DocTimeout:
        reason = (
            f"gave up after {job.doc_timeout:g} s: over the limit doc_timeout "
            "(raise it with --doc-timeout)"
        )
        result = failed(path, ids.file_doc_id(path), size, reason, job.profile)
    return _done(index, result, size, mtime, job)


def _done(index: int, result: DocResult, size: int, mtime: int, job: _Job) -> _Done:
    from pipeline.batch.document import failed, traced  # noqa: PLC0415

    try:
        tables = to_tables(result)
    except SchemaError as exc:  # a row the safety net missed: this document's error only
        if job.debug:
            raise
        path = Path(result.document.path)
        result = traced(failed(path, result.document.doc_id, size, str(exc), job.profile))
        tables = to_tables(result)
    codes = Counter(finding.code for finding in result.findings)
    document = result.document
    stored = Stored(
        doc_id=document.doc_id, path=document.path, size=size, mtime_ns=mtime,
        profile=document.profile, parser_version=document.parser_version,
        format=document.format, status=document.status,
    )  # fmt: skip
    return _Done(index, document, dict(codes), tables, stored, result.trace)


def to_tables(result: DocResult) -> dict[str, pa.Table]:
    """The document's rows by table as Arrow, each with its `year` and `province` folder."""
    from pipeline.dataset import partition, store  # noqa: PLC0415  (pyarrow: only with work)

    about = partition.folders(result.document, result.tables)
    return {
        table: store.with_partition(table, rows, about)
        for table, rows in result.by_table().items()
        if rows
    }


def _crashed(job: _Job, item: tuple[int, Path], reason: str) -> _Done:
    from pipeline.batch.document import failed  # noqa: PLC0415

    index, path = item
    size, mtime = _stat(path)
    result = failed(path, ids.file_doc_id(path), size, reason, job.profile)
    return _done(index, result, size, mtime, job)


def _stat(path: Path) -> tuple[int, int]:
    """Size and mtime (ns) before reading: a file changed while read looks changed next run."""
    try:
        info = (archive.inside(path) or path).stat()  # a member changes with its archive
    except OSError:
        return 0, -1
    return info.st_size, info.st_mtime_ns


def _start_run(out: Path, profile: Profile) -> RunRow:
    started = datetime.now(UTC)
    run = RunRow(
        run_id=f"{started:%Y%m%dT%H%M%S%f}Z-{os.urandom(3).hex()}",
        started_at=started,
        finished_at=None,
        version=__version__,
        profile=profile.name,
        documents_seen=0,
        skipped=0,
        ok=0,
        failed=0,
    )
    runlog.write_run(out, run)
    return run


def _finish_run(out: Path, run: RunRow, summary: RunSummary) -> None:
    failed = summary.by_status["error"]
    runlog.write_run(
        out,
        dataclasses.replace(
            run,
            finished_at=datetime.now(UTC),
            documents_seen=summary.seen,
            skipped=summary.skipped,
            ok=len(summary.results) - failed,
            failed=failed,
        ),
    )


def _count(summary: RunSummary, done: _Done) -> None:
    summary.tables += done.document.n_tables
    summary.indicators += done.document.n_indicators
    for code, count in done.findings_by_code.items():
        summary.findings_by_code[code] = summary.findings_by_code.get(code, 0) + count
