"""diff.html: one self-contained page (no network), rendered by Jinja2 with autoescape on.

Every string from the dataset goes through autoescape; nothing extracted is ever marked safe.
The only markup inserted raw is what ziping itself makes: matplotlib's SVG charts, and the
page's own script and stylesheet read from `templates/`. A Content-Security-Policy allows
exactly that script (by its sha256) and no other, so even an escaping bug could not run a
script from a document.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipeline.report import charts as report_charts
from pipeline.report import numbers, rollup
from pipeline.report.model import SEVERITY_ZH, DocumentView, Report, code_zh, severity_rank
from schemas import ids

TEMPLATES = Path(__file__).resolve().parent / "templates"


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
    scripts = _csp_hash(script) if with_script else "'none'"
    csp = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src {scripts}; base-uri 'none'; form-action 'none'"
    )
    return script, style, csp


def render(report: Report) -> str:
    """The index page (diff.html): summary, coverage, roll-ups, the findings list."""
    script, style, csp = _page_parts(with_script=True)
    charts = {k: Markup(v) if v else None for k, v in report_charts.all_charts(report).items()}
    rollups = [
        ("按单位 by unit", "单位", rollup.by_unit(report)),
        ("按年度 by year", "年度", rollup.by_year(report)),
        ("按地区 by region", "地区", rollup.by_region(report)),
    ]
    return (
        environment()
        .get_template("diff.html.j2")
        .render(
            report=report,
            charts=charts,
            csp=csp,
            script=Markup(script),
            style=Markup(style),
            rollups=rollups,
            findings_json=Markup(findings_json(report)),
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
    )


def render_document(doc: DocumentView, page_images: dict[str, str]) -> str:
    """One document's page (docs/dN.html): its tables as printed, page pictures, claims."""
    _, style, csp = _page_parts(with_script=False)
    return (
        environment()
        .get_template("document.html.j2")
        .render(doc=doc, csp=csp, style=Markup(style), page_images=page_images)
    )


def findings_json(report: Report) -> str:
    """The findings list as compact JSON for the index's script, safe inside <script>.

    Each finding is an array (the script names the columns); text is data, never markup:
    the script writes it with textContent. `<`, `>` and `&` are escaped as \\u00XX so no
    text can close the <script> element it sits in."""
    rows = [
        [
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
        for f in report.findings
    ]
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
