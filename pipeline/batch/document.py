"""One document through the pipeline: parse -> locate -> build/rescore -> check -> claims.

`process_file` is the per-document unit of work (bytes and profile in, rows out) that every
executor runs; it never raises for bad input: a file that cannot be read becomes a
`documents` row with status `error` and a one-line reason, and the exception's traceback
travels beside the rows (`DocResult.trace`) to the run's log. With `debug` it raises instead,
so the traceback (and a debugger) reaches the place that failed.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import regex

import parsers
import parsers.archive
import parsers.limits
from parsers.limits import DEFAULT as DEFAULT_LIMITS
from parsers.limits import Limits
from pipeline.audit.build import build_table
from pipeline.audit.checks import check_table, notice_findings
from pipeline.audit.unparsed import unparsed_findings
from pipeline.batch import names, safe
from pipeline.claims.collect import claim_findings, scan_claims
from pipeline.extract import region
from pipeline.extract.locate import locate
from schemas import Document, ZipingError, ids
from schemas.place import Place, Where
from schemas.profile import Profile
from schemas.tables import ClaimRow, DocumentRow, EvalTableRow, FindingRow, IndicatorRow
from schemas.vocab import DocStatus


@dataclass
class DocResult:
    """Every row one document contributes to the dataset."""

    document: DocumentRow
    tables: list[EvalTableRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)
    trace: str | None = None
    """The traceback of the exception that made this an error row: for the run's log, never
    stored in the dataset."""

    def by_table(self) -> dict[str, list[Any]]:
        """Rows by dataset table, `documents` last."""
        return {
            "eval_tables": self.tables,
            "indicators": self.indicators,
            "findings": self.findings,
            "claims": self.claims,
            "documents": [self.document],
        }


def process_file(
    path: Path,
    profile: Profile,
    limits: Limits = DEFAULT_LIMITS,
    known: region.ManifestEntry | None = None,
    debug: bool = False,
) -> DocResult:
    """Parse and audit one file. Never raises for bad input: errors become the status
    (with `debug`, the exception is raised instead).

    `limits` (parsers/limits.py) are checked before a reader sees the bytes; a file over
    `max_bytes` is not read at all (see `_refused_id`). A path `a.zip!b.doc` names a member
    of an archive (parsers/archive.py), which the batch lists as documents of their own.
    `known` is the file's `--manifest` row: its region, unit, year and URL override what the
    text says."""
    if parsers.archive.inside(path) is not None:
        try:
            data = parsers.archive.read_member(path, limits)
        except ZipingError as exc:
            if debug:
                raise
            doc_id = ids.stand_in_id("member", path)
            return traced(failed(path, doc_id, 0, _one_line(str(exc)), profile))
        return _process_bytes(data, path, profile, limits, known, debug)
    read = _read(path, profile, limits, debug)
    if isinstance(read, DocResult):
        return read
    return _process_bytes(read, path, profile, limits, known, debug)


def _process_bytes(
    data: bytes,
    path: Path,
    profile: Profile,
    limits: Limits,
    known: region.ManifestEntry | None,
    debug: bool,
) -> DocResult:
    fail = functools.partial(failed, path, ids.doc_id(data), len(data), profile=profile)
    try:
        doc = parsers.parse_bytes(data, str(path), limits)
    except ZipingError as exc:
        if debug:
            raise
        version = reader_version_of(data, path, limits.ocr)
        return traced(fail(_one_line(str(exc)), version=version))
    except (Exception, RecursionError) as exc:  # a reader's bug on odd bytes is this file's error
        if debug:
            raise
        reason = f"unreadable ({type(exc).__name__} in the reader: {_one_line(str(exc))})"
        return traced(fail(reason))
    try:
        return fit_result(process_document(doc, len(data), profile, known))
    except Exception as exc:  # a bug must not stop a batch of thousands; it is reported
        if debug:
            raise
        return traced(fail(f"internal error: {type(exc).__name__}: {_one_line(str(exc))}"))


def traced(result: DocResult) -> DocResult:
    """`result` (an error row) with the traceback of the exception being handled, as Python
    prints it, for the run's log."""
    result.trace = traceback.format_exc()
    return result


def _read(path: Path, profile: Profile, limits: Limits, debug: bool) -> bytes | DocResult:
    """The file's bytes, or its error row: not a regular file (never opened: a FIFO would
    block, a device never end), over `max_bytes` (never read), or unreadable."""
    size = 0
    try:
        info = path.stat()
        parsers.limits.check_regular(str(path), info.st_mode)
        size = info.st_size
        if size > limits.max_bytes:
            parsers.limits.check_size(size, str(path), limits)
        return path.read_bytes()
    except ZipingError as exc:
        if debug:
            raise
        special = not size and "not a regular file" in str(exc)
        doc_id = ids.stand_in_id("special", path) if special else ids.refused_id(path, size)
        return traced(failed(path, doc_id, size, _one_line(str(exc)), profile))
    except OSError as exc:
        if debug:
            raise
        reason = f"cannot read file: {exc.strerror or exc}"
        doc_id = ids.stand_in_id("unreadable", path)
        return traced(failed(path, doc_id, 0, reason, profile))


def fit_result(result: DocResult) -> DocResult:
    """The document's rows as the dataset can hold them (`safe.fit_rows`), inside the
    document's safety net, not when the batch writes them."""
    document = result.document
    place = Place(document.doc_id, names.stored_path(document.path))
    found: list[FindingRow] = []
    result.tables, more = safe.fit_rows("eval_tables", result.tables, place)
    found += more
    result.indicators, more = safe.fit_rows("indicators", result.indicators, place)
    found += more
    result.claims, more = safe.fit_rows("claims", result.claims, place)
    found += more
    result.findings, _ = safe.fit_rows("findings", [*result.findings, *found], place)
    n_findings = len(result.findings)
    [result.document], _ = safe.fit_rows("documents", [document], place)
    result.document = dataclasses.replace(result.document, n_findings=n_findings)
    return result


def process_document(
    doc: Document, size: int, profile: Profile, known: region.ManifestEntry | None = None
) -> DocResult:
    where = Where(doc.doc_id, doc.path)
    result = DocResult(document=_document_row(doc, size, profile, "ok"))
    result.findings.extend(notice_findings(doc))
    for seq, located in enumerate(locate(doc).tables, start=1):
        table, rows = build_table(doc.doc_id, seq, located, profile)
        result.tables.append(table)
        result.indicators.extend(rows)
        result.findings.extend(check_table(where, table, rows, profile))
        result.findings.extend(unparsed_findings(doc.path, table, located))
    scan = scan_claims(doc, result.tables, profile.grade_of)
    result.claims = scan.claims
    result.findings.extend([*claim_findings(doc, result.claims), *scan.incomplete])
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
    if known is not None:
        _apply_manifest(result, known)
    result.document, result.tables, result.findings = region.place(
        result.document, result.tables, result.findings, known.region if known else None
    )
    return result


def _apply_manifest(result: DocResult, known: region.ManifestEntry) -> None:
    """The manifest's unit, year and URL over what the text says; a table without a printed
    year takes the manifest's, so a table and its rows keep one year."""
    result.document = dataclasses.replace(
        result.document,
        org=known.unit or result.document.org,
        year=known.year or result.document.year,
        url=known.url,
    )
    if known.year is not None:
        result.tables = [
            t if t.year is not None else dataclasses.replace(t, year=known.year)
            for t in result.tables
        ]


def _document_row(doc: Document, size: int, profile: Profile, status: DocStatus) -> DocumentRow:
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


def failed(
    path: Path,
    doc_id: str,
    size: int,
    reason: str,
    profile: Profile,
    version: str | None = None,
) -> DocResult:
    """The one row a document that could not be read contributes. `version` is the reader's
    (when one took the file), so an unchanged broken file is skipped like any other."""
    return DocResult(
        document=DocumentRow(
            doc_id=doc_id,
            path=names.stored_path(str(path)),
            format=None,
            size_bytes=size,
            pages=None,
            title=None,
            org=None,
            year=None,
            status="error",
            error=names.stored_path(reason[:500]),
            n_tables=0,
            n_indicators=0,
            n_findings=0,
            profile=profile.name,
            parser_version=version,
            ingested_at=datetime.now(UTC),
        )
    )


def reader_version_of(data: bytes, path: Path, ocr: str = "auto") -> str | None:
    try:
        return parsers.reader_version(data, str(path), ocr)
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
