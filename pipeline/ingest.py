"""Run documents through the pipeline: parse -> locate -> build/rescore -> check -> store.

`process_file` is the per-document unit of work (pure: bytes and profile in, rows out); a
batch maps it over files and writes each result. A bad file becomes a `documents` row with
status `error` and a one-line reason; the batch goes on.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import regex

import parsers
import parsers.limits
from parsers.limits import DEFAULT as DEFAULT_LIMITS
from parsers.limits import Limits
from pipeline import __version__, executors, runlock, store
from pipeline.build import build_table, unparsed_findings
from pipeline.checks import Where, check_table, notice_findings
from pipeline.claims import claim_findings, extract_claims
from pipeline.locate import locate
from schemas import Document, ZipingError
from schemas.profile import Profile
from schemas.tables import (
    ClaimRow,
    DocumentRow,
    EvalTableRow,
    FindingRow,
    IndicatorRow,
    RunRow,
)


@dataclass
class DocResult:
    """Every row one document contributes to the dataset."""

    document: DocumentRow
    tables: list[EvalTableRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)


def process_file(path: Path, profile: Profile, limits: Limits = DEFAULT_LIMITS) -> DocResult:
    """Parse and audit one file. Never raises for bad input: errors become the status.

    `limits` (parsers/limits.py) are checked before a reader sees the bytes; a file over
    `max_bytes` is not read at all (see `_refused_id`)."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            parsers.limits.check_size(size, str(path), limits)
        data = path.read_bytes()
    except ZipingError as exc:
        return _failed(path, _refused_id(path, size), size, _one_line(str(exc)), profile)
    except OSError as exc:
        reason = f"cannot read file: {exc.strerror or exc}"
        return _failed(path, _sha256(f"unreadable:{path}".encode()), 0, reason, profile)
    failed = functools.partial(_failed, path, _sha256(data), len(data), profile=profile)
    try:
        doc = parsers.parse_bytes(data, str(path), limits)
    except ZipingError as exc:
        return failed(_one_line(str(exc)), version=_version(data, path))
    except (Exception, RecursionError) as exc:  # a reader's bug on odd bytes is this file's error
        return failed(f"unreadable ({type(exc).__name__} in the reader: {_one_line(str(exc))})")
    try:
        return process_document(doc, len(data), profile)
    except Exception as exc:  # a bug must not stop a batch of thousands; it is reported
        return failed(f"internal error: {type(exc).__name__}: {_one_line(str(exc))}")


def process_document(doc: Document, size: int, profile: Profile) -> DocResult:
    where = Where(doc.doc_id, doc.path)
    result = DocResult(document=_document_row(doc, size, profile, "ok"))
    result.findings.extend(notice_findings(doc))
    for seq, located in enumerate(locate(doc), start=1):
        table, rows = build_table(doc.doc_id, seq, located, profile)
        result.tables.append(table)
        result.indicators.extend(rows)
        result.findings.extend(check_table(where, table, rows, profile))
        result.findings.extend(unparsed_findings(doc.path, table, located))
    result.claims = extract_claims(doc, result.tables, profile.grade_of)
    result.findings.extend(claim_findings(doc, result.claims))
    first = result.tables[0] if result.tables else None
    result.document = dataclasses.replace(
        result.document,
        status="ok" if result.tables else "no_tables",
        org=_org(result.tables),
        year=first.year if first and first.year else _year(doc),
        n_tables=len(result.tables),
        n_indicators=len(result.indicators),
        n_findings=len(result.findings),
    )
    return result


def _document_row(doc: Document, size: int, profile: Profile, status: str) -> DocumentRow:
    return DocumentRow(
        doc_id=doc.doc_id,
        path=doc.path,
        format=doc.format,
        size_bytes=size,
        pages=doc.pages,
        title=doc.title or _title(doc),
        org=None,
        year=None,
        status=status,
        error=None,
        n_tables=0,
        n_indicators=0,
        n_findings=0,
        profile=profile.name,
        parser_version=doc.parser_version,
        ingested_at=datetime.now(UTC),
    )


def _failed(
    path: Path, doc_id: str, size: int, reason: str, profile: Profile, version: str | None = None
) -> DocResult:
    """The one row a document that could not be read contributes. `version` is the reader's
    (when one took the file), so an unchanged broken file is skipped like any other."""
    return DocResult(
        document=DocumentRow(
            doc_id=doc_id,
            path=str(path),
            format=None,
            size_bytes=size,
            pages=None,
            title=None,
            org=None,
            year=None,
            status="error",
            error=reason[:500],
            n_tables=0,
            n_indicators=0,
            n_findings=0,
            profile=profile.name,
            parser_version=version,
            ingested_at=datetime.now(UTC),
        )
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stream_sha256(path: Path) -> str:
    """doc_id of a file read by streaming (one that timed out or killed its worker)."""
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return _sha256(str(path).encode())


def _refused_id(path: Path, size: int) -> str:
    """doc_id of a file refused by size, which is never read whole: sha256 over its path,
    size and first and last MiB (not of the bytes, like every other doc_id)."""
    digest = hashlib.sha256(f"refused:{path}:{size}:".encode())
    try:
        with path.open("rb") as stream:
            digest.update(stream.read(1 << 20))
            stream.seek(max(0, size - (1 << 20)))
            digest.update(stream.read(1 << 20))
    except OSError:
        pass
    return digest.hexdigest()


def _version(data: bytes, path: Path) -> str | None:
    try:
        return parsers.reader_version(data, str(path))
    except Exception:  # sniffing odd bytes must not turn an error row into a crash
        return None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def _title(doc: Document) -> str | None:
    """The first short line that reads like a heading."""
    for paragraph in doc.paragraphs():
        text = paragraph.text.strip()
        if 4 <= len(text) <= 60 and not text.endswith(("。", "；", ";")):
            return text
    return None


_YEAR = regex.compile(r"((?:19|20)\d{2})\s*年")


def _year(doc: Document) -> int | None:
    """The budget year of a document without tables: the first `20xx年` of its opening lines
    (title and subtitle: 《2023年…绩效自评报告》)."""
    for paragraph in itertools.islice(doc.paragraphs(), 5):
        found = _YEAR.search(paragraph.text)
        if found:
            return int(found.group(1))
    return None


def _org(tables: list[EvalTableRow]) -> str | None:
    for table in tables:
        if table.kind == "department" and table.project_name:
            return table.project_name
    for table in tables:
        if table.department or table.implementer:
            return table.department or table.implementer
    return None


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
    return _sha256(data), _version(data, path)


def _duplicate(path: Path, doc_id: str, profile: Profile) -> DocumentRow:
    """The summary's row for a file whose bytes an earlier file of the run already has."""
    row = _failed(path, doc_id, 0, "", profile).document
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
        result = _failed(
            path,
            _stream_sha256(path),
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
    result = _failed(path, _stream_sha256(path), _size(path), reason, job.profile)
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
