"""diff.html: one self-contained page (no network), rendered by Jinja2 with autoescape on.

Every string from the dataset goes through autoescape; nothing extracted is ever marked safe.
The only markup inserted raw is what ziping itself makes: matplotlib's SVG charts, and the
page's own script and stylesheet read from `templates/`. A Content-Security-Policy allows
exactly that script (by its sha256) and no other, so even an escaping bug could not run a
script from a document.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipeline.report import charts as report_charts
from pipeline.report.model import SEVERITY_ZH, Report, severity_rank

TEMPLATES = Path(__file__).resolve().parent / "templates"


def fmt_num(value: float | int | None, places: int | None = None) -> str:
    """A number as an auditor reads it: fixed `places`, or up to 4 decimals trimmed."""
    if value is None:
        return ""
    if places is not None:
        return f"{value:,.{places}f}"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fmt_pct(value: float | None) -> str:
    """A fraction as a percentage with two decimals (0.928 -> 92.80%)."""
    return "" if value is None else f"{value * 100:.2f}%"


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


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=fmt_num, pct=fmt_pct)
    env.globals.update(where=fmt_where, severity_zh=SEVERITY_ZH, severity_rank=severity_rank)
    return env


def render(report: Report, page_images: dict[str, str] | None = None) -> str:
    """The whole page as a string. `page_images` maps table anchors to PNG data URIs."""
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    style = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    csp = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src {_csp_hash(script)}; base-uri 'none'; form-action 'none'"
    )
    charts = {k: Markup(v) if v else None for k, v in report_charts.all_charts(report).items()}
    return (
        environment()
        .get_template("diff.html.j2")
        .render(
            report=report,
            charts=charts,
            csp=csp,
            script=Markup(script),
            style=Markup(style),
            page_images=page_images or {},
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
    )
