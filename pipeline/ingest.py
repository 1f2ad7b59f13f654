"""Run documents through the pipeline: parse -> locate -> build/rescore -> check -> store.

`process_file` is the per-document unit of work (pure: bytes and profile in, rows out); a
batch maps it over files and writes each result. A bad file becomes a `documents` row with
status `error` and a one-line reason; the batch goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import regex

import parsers
from pipeline import __version__, store
from pipeline.build import build_table
from pipeline.checks import Where, check_table, notice_findings
from pipeline.claims import claim_findings, extract_claims
from pipeline.locate import locate
from schemas import Document, ZipingError
from schemas.profile import Profile
from schemas.tables import ClaimRow, DocumentRow, EvalTableRow, FindingRow, IndicatorRow


@dataclass
class DocResult:
    """Every row one document contributes to the dataset."""

    document: DocumentRow
    tables: list[EvalTableRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)


def process_file(path: Path, profile: Profile) -> DocResult:
    """Parse and audit one file. Never raises for bad input: errors become the status."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _failed(path, b"", f"cannot read file: {exc.strerror or exc}", profile)
    try:
        doc = parsers.parse_bytes(data, str(path))
    except ZipingError as exc:
        return _failed(path, data, _one_line(str(exc)), profile)
    try:
        return process_document(doc, len(data), profile)
    except Exception as exc:  # a bug must not stop a batch of thousands; it is reported
        return _failed(path, data, f"internal error: {type(exc).__name__}: {exc}", profile)


def process_document(doc: Document, size: int, profile: Profile) -> DocResult:
    where = Where(doc.doc_id, doc.path)
    result = DocResult(document=_document_row(doc, size, profile, "ok"))
    result.findings.extend(notice_findings(doc))
    for seq, located in enumerate(locate(doc), start=1):
        table, rows = build_table(doc.doc_id, seq, located, profile)
        result.tables.append(table)
        result.indicators.extend(rows)
        result.findings.extend(check_table(where, table, rows, profile))
    result.claims = extract_claims(doc, result.tables, profile.grade_of)
    result.findings.extend(claim_findings(doc, result.claims))
    first = result.tables[0] if result.tables else None
    result.document = dataclasses.replace(
        result.document,
        status="ok" if result.tables else "no_tables",
        org=_org(result.tables),
        year=first.year if first and first.year else _year(result.document.title),
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


def _failed(path: Path, data: bytes, reason: str, profile: Profile) -> DocResult:
    return DocResult(
        document=DocumentRow(
            doc_id=hashlib.sha256(data).hexdigest(),
            path=str(path),
            format=None,
            size_bytes=len(data),
            pages=None,
            title=None,
            org=None,
            year=None,
            status="error",
            error=reason,
            n_tables=0,
            n_indicators=0,
            n_findings=0,
            profile=profile.name,
            parser_version=None,
            ingested_at=datetime.now(UTC),
        )
    )


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


def _year(title: str | None) -> int | None:
    found = _YEAR.search(title or "")
    return int(found.group(1)) if found else None


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


@dataclass
class RunSummary:
    results: list[DocumentRow] = field(default_factory=list)
    tables: int = 0
    indicators: int = 0
    findings_by_code: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[DocumentRow]:
        return [d for d in self.results if d.status == "error"]


def ingest(
    files: list[Path],
    out: Path,
    profile: Profile,
    on_done: Callable[[DocumentRow], None] | None = None,
) -> RunSummary:
    """Process `files` one by one and write each document's rows as soon as it is done."""
    summary = RunSummary()
    previous = _previous_ids_by_path(out)
    for result in _results(files, profile):
        old = previous.get(result.document.path)
        if old and old != result.document.doc_id:
            store.remove_document(out, old)  # the file changed: its old rows go
        write_result(out, result)
        _count(summary, result)
        if on_done is not None:
            on_done(result.document)
    return summary


def _results(files: list[Path], profile: Profile) -> Iterator[DocResult]:
    for path in files:
        yield process_file(path, profile)


def write_result(out: Path, result: DocResult) -> None:
    doc_id = result.document.doc_id
    store.write_part(out, "eval_tables", doc_id, result.tables)
    store.write_part(out, "indicators", doc_id, result.indicators)
    store.write_part(out, "findings", doc_id, result.findings)
    store.write_part(out, "claims", doc_id, result.claims)
    store.write_part(out, "documents", doc_id, [result.document])


def _previous_ids_by_path(out: Path) -> dict[str, str]:
    try:
        return {d.path: d.doc_id for d in store.read_rows(out, "documents")}
    except (OSError, ValueError, ZipingError):
        return {}


def _count(summary: RunSummary, result: DocResult) -> None:
    summary.results.append(result.document)
    summary.tables += len(result.tables)
    summary.indicators += len(result.indicators)
    for finding in result.findings:
        summary.findings_by_code[finding.code] = summary.findings_by_code.get(finding.code, 0) + 1


VERSION = __version__
