"""diff.html and the pages beside it (offline: nothing loads from the network), rendered by
Jinja2 with autoescape on.

Every string from the dataset goes through autoescape; nothing extracted is ever marked safe.
The only markup inserted raw is what ziping itself makes: matplotlib's SVG charts, and the
page's own script and stylesheet read from `templates/`. The findings list is data in files
of the report's own (data/findings-N.js, JSON handed to the index's script), so the index
stays small however many findings there are. A Content-Security-Policy allows exactly the
index's script (by its sha256) and the report's own files ('self'), so even an escaping bug
could not run a script from a document.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipeline.report import charts as report_charts
from pipeline.report import numbers
from pipeline.report.model import SEVERITY_ZH, DocumentView, FindingView, code_zh, severity_rank
from pipeline.report.summary import Summary
from schemas import ids

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHUNK = 2_000  # findings per data file: the index loads the first with the page
INLINE_DOCUMENTS = 200  # more documents than this are listed in documents.html


def fmt_where(path: object, page: object, line: object) -> str:
    """Provenance as `file p.3 l.120`, leaving out what the format does not have."""
    parts = [str(path)] if path else []
    if page is not None:
        parts.append(f"p.{page}")
    if line is not None:
        parts.append(f"l.{line}")
    return " ".join(parts)


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=numbers.fmt)  # {{ row.total_stated|num('total_stated') }}
    env.globals.update(
        where=fmt_where,
        severity_zh=SEVERITY_ZH,
        severity_rank=severity_rank,
        code_zh=code_zh,
        short_id=ids.short,
    )
    return env


@functools.cache
def _page_parts(with_script: bool) -> tuple[str, str, str]:
    """(script, style, CSP): the index runs our one script; a document page runs none."""
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8") if with_script else ""
    style = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    # the index's own script, and the data files beside it (data/findings-N.js: 'self')
    scripts = f"{_csp_hash(script)} 'self'" if with_script else "'none'"
    csp = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src {scripts}; base-uri 'none'; form-action 'none'"
    )
    return script, style, csp


def render(summary: Summary, chunks: list[str], documents: Iterable[DocumentEntry]) -> str:
    """The index page (diff.html): summary, coverage, roll-ups, the findings list (its rows
    in `chunks`, files beside the page), the documents (or a link to documents.html)."""
    script, style, csp = _page_parts(with_script=True)
    charts = {k: Markup(v) if v else None for k, v in report_charts.all_charts(summary).items()}
    rollups = [
        ("按单位 by unit", "单位", summary.rollup("unit")),
        ("按年度 by year", "年度", summary.rollup("year")),
        ("按地区 by region", "地区", summary.rollup("region")),
    ]
    meta = {"total": summary.findings, "size": CHUNK, "chunks": chunks}
    return (
        environment()
        .get_template("diff.html.j2")
        .render(
            report=summary,
            charts=charts,
            csp=csp,
            script=Markup(script),
            style=Markup(style),
            rollups=rollups,
            findings_meta=Markup(_script_json(meta)),
            documents=documents,
            inline_documents=INLINE_DOCUMENTS,
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
    )


def render_documents(summary: Summary, documents: Iterable[DocumentEntry]) -> Iterator[str]:
    """documents.html, the list of every document, as pieces written one after another."""
    _, style, csp = _page_parts(with_script=False)
    template = environment().get_template("documents.html.j2")
    return template.generate(report=summary, csp=csp, style=Markup(style), documents=documents)


def render_document(doc: DocumentView, page_images: dict[str, str]) -> str:
    """One document's page (docs/dN.html): its tables as printed, page pictures, claims."""
    _, style, csp = _page_parts(with_script=False)
    return (
        environment()
        .get_template("document.html.j2")
        .render(doc=doc, csp=csp, style=Markup(style), page_images=page_images)
    )


@dataclass(frozen=True, slots=True)
class DocumentEntry:
    """A document as the index lists it (one line; the report keeps these on disk)."""

    page: str
    name: str
    org: str
    year: int | None
    status: str
    tables: int
    findings: int

    @classmethod
    def of(cls, doc: DocumentView) -> DocumentEntry:
        row = doc.row
        status, tables = str(row.status), len(doc.tables)
        return cls(doc.page, doc.name, row.org or "", row.year, status, tables, len(doc.findings))


def finding_row(f: FindingView) -> list[object]:
    """One finding as the index's script reads it: an array (the script names the columns);
    text is data, never markup: the script writes it with textContent."""
    return [
        severity_rank(f.severity),
        f.severity,
        f.code,
        f.code_zh,
        f.document,
        f.unit,
        " · ".join(x for x in (f.region, str(f.year or "")) if x),
        f.project,
        f.subject,
        f.row.stated or "",
        f.row.recomputed or "",
        f.row.delta,
        f.row.message,
        fmt_where(f.row.path, f.row.page, f.row.line),
        f.href,
    ]


def write_findings_data(findings: Iterable[FindingView], folder: Path) -> list[str]:
    """The findings list as data/findings-N.js, CHUNK rows each: `zipingFindings(n, rows)`,
    rows as JSON. Returns the files' addresses relative to diff.html, in order."""
    folder.mkdir(exist_ok=True)
    names: list[str] = []
    rows: list[list[object]] = []

    def flush() -> None:
        name = f"findings-{len(names) + 1}.js"
        text = f"zipingFindings({len(names)},{_script_json(rows)});\n"
        (folder / name).write_text(text, encoding="utf-8")
        names.append(f"{folder.name}/{name}")
        rows.clear()

    for f in findings:
        rows.append(finding_row(f))
        if len(rows) == CHUNK:
            flush()
    if rows:
        flush()
    return names


def _script_json(value: object) -> str:
    """Compact JSON that is safe inside <script>: `<`, `>` and `&` escaped as \\u00XX so no
    text can close the element it sits in."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
