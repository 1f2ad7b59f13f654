"""The data dictionary: every column of every output table, from `schemas.tables` alone.

`ziping schema` prints it; `docs/data-dictionary.md` is `render_markdown()` written to disk
(`ziping schema --format markdown > docs/data-dictionary.md`), and a test fails when the two
drift apart, so the document can never describe columns the code no longer writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

from schemas.findings import CODES
from schemas.tables import TABLE_LABELS, TABLES, arrow_schema

DictFormat = Literal["text", "markdown"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One column: its table, English name, Chinese label, Arrow type, meaning, key flag."""

    table: str
    column: str
    zh: str
    type: str
    meaning: str
    key: bool


def _meta(field: pa.Field, key: str) -> str:
    raw = (field.metadata or {}).get(key.encode(), b"")
    return bytes(raw).decode("utf-8")


def entries(tables: list[str] | None = None) -> list[Entry]:
    """Dictionary rows for `tables` (all, in declaration order, when None)."""
    out: list[Entry] = []
    for name in tables or list(TABLES):
        for field in arrow_schema(name):
            out.append(
                Entry(
                    table=name,
                    column=field.name,
                    zh=_meta(field, "zh"),
                    type=str(field.type),
                    meaning=_meta(field, "doc"),
                    key=not field.nullable,
                )
            )
    return out


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(tables: list[str] | None = None) -> str:
    """The dictionary as Markdown: one section and one table per output table."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `schemas/tables.py` by `ziping schema --format markdown`; do not edit.",
        "Key columns (never null) are marked ✓. Tables live at",
        "`<data>/<table>/year=<Y>/province=<name>/part-*.parquet`: every table but `runs` reads",
        "`year` and `province` from those folders (`year=0`, `province=未知`: not known), those",
        "it does not list below included.",
    ]
    names = tables or list(TABLES)
    for name in names:
        lines += ["", f"## `{name}` — {TABLE_LABELS[name]}", ""]
        lines += ["| column | 中文 | type | key | meaning |", "|---|---|---|---|---|"]
        for e in entries([name]):
            key = "✓" if e.key else ""
            lines.append(
                f"| `{e.column}` | {_md_cell(e.zh)} | `{e.type}` | {key} | {_md_cell(e.meaning)} |"
            )
    if tables is None:
        lines += _codes_markdown()
    return "\n".join(lines) + "\n"


def _codes_markdown() -> list[str]:
    """The values `findings.code` takes, from `schemas.findings`. `from`: a `check` on the stored
    rows (re-run by `ziping rescore`), the `reader` (cells it could not read), or a `claim` in
    the prose."""
    lines = ["", "## Finding codes (`findings.code`)", ""]
    lines += ["| code | 中文 | severity | from | meaning |", "|---|---|---|---|---|"]
    for c in CODES.values():
        zh, meaning = _md_cell(c.zh), _md_cell(c.meaning)
        lines.append(f"| `{c.code}` | {zh} | {c.severity} | {c.origin} | {meaning} |")
    return lines


def render_text(tables: list[str] | None = None) -> str:
    """The dictionary as aligned plain text for a terminal."""
    lines: list[str] = []
    for name in tables or list(TABLES):
        rows = entries([name])
        width = max(len(e.column) for e in rows)
        zh_width = max(_display_width(e.zh) for e in rows)
        type_width = max(len(e.type) for e in rows)
        lines.append(f"{name} ({TABLE_LABELS[name]})")
        for e in rows:
            mark = "*" if e.key else " "
            # Chinese labels are double width on a terminal: pad by display width, not len().
            zh_pad = " " * (zh_width - _display_width(e.zh))
            lines.append(
                f" {mark} {e.column:<{width}}  {e.zh}{zh_pad}  {e.type:<{type_width}}  {e.meaning}"
            )
        lines.append("")
    return "\n".join(lines)


def _display_width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def render(fmt: DictFormat, tables: list[str] | None = None) -> str:
    return render_markdown(tables) if fmt == "markdown" else render_text(tables)
