"""A debug view of what the locator read: for each 自评表, which printed cells became the
header fields, the budget block, each indicator row and the total, with their source lines,
and which cells were left unread. Auditors use it to check a reading before trusting it."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.extract.locate import locate
from pipeline.extract.located import LocatedTable, RawIndicator, Text
from schemas import Document


def describe(doc: Document) -> Iterator[str]:
    """Lines describing every located table of `doc` (plain text, one fact a line)."""
    reading = locate(doc)
    yield f"{doc.path}: {doc.format}, {len(doc.blocks)} blocks, parser {doc.parser_version}"
    yield f"reader: {reading.reader} ({reading.why}); {_count(reading.tables)}"
    for notice in doc.notices:
        yield f"notice {notice.code} page {notice.page}: {notice.message}"
    for seq, table in enumerate(reading.tables, start=1):
        yield from _table(seq, table)


def _count(tables: list[LocatedTable]) -> str:
    rows = sum(len(t.indicators) for t in tables)
    return f"{len(tables)} table(s) / {rows} row(s)"


def _where(text: Text | None) -> str:
    if text is None:
        return ""
    parts = [f"p{text.page}" if text.page else "", f"l{text.line}" if text.line else ""]
    return "@" + ":".join(p for p in parts if p) if any(parts) else ""


def _v(text: Text | None) -> str:
    return "∅" if text is None else text.text


def _row_extra(row: RawIndicator) -> str:
    """Kind, parent, weight source, confidence and extra cells, where not the plain case."""
    notes = [] if row.kind == "indicator" else [f"{row.kind} of row {(row.parent or 0) + 1}"]
    if row.weight_source not in ("column", "none"):
        notes.append(f"weight from {row.weight_source}")
    if row.confidence < 1:
        notes.append(f"confidence {row.confidence:.1f}")
    notes += [f"{role} {text.text!r}" for role, text in row.extra.items()]
    return " | " + ", ".join(notes) if notes else ""


def _table(seq: int, table: LocatedTable) -> Iterator[str]:
    yield ""
    yield f"[{seq}] {table.title.text} ({table.kind}, year {table.year}) {_where(table.title)}"
    roles = " · ".join(r or "?" for r in table.roles)
    yield f"    family {table.form_family}, read by {table.read_by}; columns: {roles or '∅'}"
    for name, value in table.fields.items():
        yield f"    {name}: {value.text} {_where(value)}"
    budget = table.budget
    if budget is not None:
        unit = table.budget_unit or "unit?"
        yield (
            f"    budget ({unit}) {budget.label}: initial {budget.initial!r} full_year"
            f" {budget.full_year!r} executed {budget.executed!r} weight {budget.weight!r}"
            f" rate {budget.rate!r} score {budget.score!r} @l{budget.line}"
        )
    for part in table.budget_parts:
        yield f"      part {part.label}: {part.initial!r} {part.full_year!r} {part.executed!r}"
    for k, row in enumerate(table.indicators, start=1):
        yield (
            f"    row {k:>3} {_where(row.level3)} {_v(row.level1)} / {_v(row.level2)} /"
            f" {_v(row.level3)} | target {_v(row.target)} | actual {_v(row.actual)} |"
            f" weight {_v(row.weight)} | score {_v(row.score)}{_row_extra(row)}"
        )
    yield (
        f"    total: weight {table.total_weight!r} score {table.total_score!r}"
        f" grade {table.grade!r}"
    )
    for text in table.unparsed:
        yield f"    UNREAD {_where(text)}: {text.text[:300]}"
