"""Find every 自评表 in a Document and read its parts as printed (raw strings + provenance).

The document is flattened into a stream of rows (table rows with spans resolved, paragraphs
as one-cell rows) and cut at table titles. Inside a segment the locator finds, by header
vocabulary rather than position: the header fields (项目名称, 主管部门, 实施单位), the budget
block, the 年度总体目标 row, the indicator header and its rows, and the 总分 row. Nothing is
interpreted here beyond which text belongs to which field; `pipeline.audit.build` reads values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import regex

from pipeline.extract import headers as h
from pipeline.extract.grid_rows import is_indicator_header, read_indicators
from pipeline.extract.located import LocatedTable, RawBudget, Text, continues_table, segments
from pipeline.extract.rowcheck import vet
from pipeline.extract.stream import locate_stream, orphan_rows
from pipeline.extract.stream_rubric import scored_rows
from pipeline.extract.values import parse_number, unit_in_label
from schemas import Document, Paragraph, Table
from schemas.ir import BBox


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the stream. `origins[i]` is False where a span from another cell covers i."""

    cells: tuple[str, ...]
    origins: tuple[bool, ...]
    pages: tuple[int | None, ...]
    lines: tuple[int | None, ...]
    paragraph: bool = False
    covered: int = 1  # grid positions some cell covers: fewer than the header's = misaligned
    wheres: tuple[str | None, ...] = ()  # each position's place in the format's terms
    boxes: tuple[BBox | None, ...] = ()  # PDF: each position's cell box on its page
    ocr: tuple[float | None, ...] = ()  # per cell: OCR confidence (scans), else None

    def text(self, i: int | None, *, inherit: bool = False) -> str:
        """Cell text at column i; span-covered positions read empty unless `inherit`."""
        if i is None or i >= len(self.cells):
            return ""
        return self.cells[i] if (self.origins[i] or inherit) else ""

    def at(self, i: int | None, *, inherit: bool = False) -> Text | None:
        text = self.text(i, inherit=inherit)
        if i is None or not text:
            return None
        box = self.boxes[i] if i < len(self.boxes) else None
        ocr = self.ocr[i] if i < len(self.ocr) else None
        return Text(text, self.pages[i], self.lines[i], self._where(i), box, ocr)

    def _where(self, i: int) -> str | None:
        return self.wheres[i] if i < len(self.wheres) else None

    @property
    def where(self) -> str | None:
        return next((w for i in self.nonempty() if (w := self._where(i))), None)

    def bbox(self, name: BBox | None = None) -> BBox | None:
        """The row's cells printed on its page as one box (None without boxes), as tall as
        the `name` cell when given: a label merged down from the row would stretch it."""
        found = [b for i, b in enumerate(self.boxes) if b and self.pages[i] == self.page]
        if not found:
            return None
        top = name[1] if name else min(b[1] for b in found)
        bottom = name[3] if name else max(b[3] for b in found)
        return (min(b[0] for b in found), top, max(b[2] for b in found), bottom)

    def nonempty(self) -> list[int]:
        return [i for i, c in enumerate(self.cells) if c.strip() and self.origins[i]]

    @property
    def page(self) -> int | None:
        return next((p for p in self.pages if p is not None), None)

    @property
    def line(self) -> int | None:
        return next((ln for i, ln in enumerate(self.lines) if ln and self.cells[i]), None)


def row_stream(doc: Document) -> list[Row]:
    rows: list[Row] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            cells, where = (block.text,), (block.where,)
            rows.append(Row(cells, (True,), (block.page,), (block.line,), True, 1, where))
        elif isinstance(block, Table):
            rows.extend(_table_rows(block))
    return rows


def _table_rows(table: Table) -> list[Row]:
    out = []
    for slots in table.dense():
        cells = tuple(s.text if s else "" for s in slots)
        origins = tuple(bool(s and s.origin) for s in slots)
        pages = tuple((s.cell.page if s else None) or table.page_start for s in slots)
        lines = tuple(s.cell.line if s else None for s in slots)
        covered = sum(1 for s in slots if s is not None)
        wheres = tuple(s.cell.where if s else None for s in slots)
        boxes = tuple(s.cell.bbox if s else None for s in slots)
        ocr = tuple(s.cell.confidence if s else None for s in slots)
        row = Row(cells, origins, pages, lines, covered=covered, wheres=wheres, boxes=boxes)
        out.append(dataclasses.replace(row, ocr=ocr))
    return out


@dataclass(frozen=True, slots=True)
class Reading:
    """Every self-evaluation table of a document, and which reader produced them and why:
    the decision is data, so `ziping inspect` shows it instead of re-deriving it."""

    tables: list[LocatedTable]
    reader: Literal["grid", "stream", "none"]
    why: str


def locate(doc: Document) -> Reading:
    """Every self-evaluation table in `doc`, in document order.

    The grid reader is exact where the file kept its grid; where it did not (flattened
    text, pipe rows, ragged web tables) the token reader recovers more complete rows. The
    reading with more complete rows wins; on a tie, the grid. Rows printed before any title
    (a page that starts mid-table) come first, as their own table.
    """
    reading = _best_reading(doc)
    orphan = orphan_rows(doc)
    for table in reading.tables:
        vet(table)  # every emitted row type-checks, whichever reader read it
    if orphan is None:
        return reading
    orphan.read_by = "text"
    return dataclasses.replace(reading, tables=[orphan, *reading.tables])


def _best_reading(doc: Document) -> Reading:
    grid = locate_grid(doc)
    grid_rows = _complete_rows(grid) + scored_rows(grid)
    if grid_rows and all(not t.unparsed for t in grid):
        return Reading(grid, "grid", f"grid: {grid_rows} complete rows, no unread cells")
    if grid and all(_understood(t) for t in grid):
        families = ", ".join(sorted({t.form_family for t in grid}))
        return Reading(
            grid, "grid", f"grid: headers of known families ({families}), no unread cells"
        )
    stream = locate_stream(doc)
    for table in stream:
        table.read_by = "text"
    stream_rows = _complete_rows(stream) + scored_rows(stream)
    counts = f"grid {grid_rows} vs stream {stream_rows} complete rows"
    more_weights = stream_rows == grid_rows and _weighted_rows(stream) > _weighted_rows(grid)
    if stream_rows > grid_rows or more_weights or (stream and not grid):
        return Reading(stream, "stream", f"stream: {counts}")
    if not grid:
        return Reading([], "none", "no 自评表 title or indicator header found")
    return Reading(grid, "grid", f"grid: {counts} (a tie goes to the grid)")


def _understood(table: LocatedTable) -> bool:
    """A grid table whose header named a known family and whose rows all sat where the
    header said: the grid's reading stands (families without weights included)."""
    return table.form_family != "unknown" and bool(table.indicators) and not table.unparsed


def _complete_rows(tables: list[LocatedTable]) -> int:
    """Rows with a name, a target or actual, and a weight that reads as a number, where the
    table prints weights at all (湖北 and targets-only forms print none, some forms leave
    the column blank): a reading is not judged by a column its table does not fill."""
    return sum(_complete_in(t) for t in tables)


def _complete_in(table: LocatedTable) -> int:
    named = [r for r in table.indicators if r.level3 and (r.target or r.actual)]
    weighted = [r for r in named if r.weight and parse_number(r.weight.text) is not None]
    return len(weighted) if weighted else len(named)


def _weighted_rows(tables: list[LocatedTable]) -> int:
    """Rows whose weight reads as a number: of two readings as complete, the one that found
    the weights sat the cells in their columns."""
    return sum(
        1
        for t in tables
        for r in t.indicators
        if r.weight is not None and parse_number(r.weight.text) is not None
    )


def locate_grid(doc: Document) -> list[LocatedTable]:
    """Tables read by grid position (spans resolved by the parser).

    Tables are cut at their titles. A report that prints none (`具体完成情况如下表：` and
    then the grid) is cut at its indicator headers instead, each table named after the
    paragraph that introduces it."""
    rows = row_stream(doc)
    parts = segments(rows, _starts_table)
    if not parts:
        parts = [[_untitled(rows, part[0]), *part] for part in segments(rows, _indicator_header)]
    found = (_read_segment(s) for s in parts)
    return [table for table in found if table is not None]


def _untitled(rows: list[Row], header: Row) -> Row:
    """A title row for a table printed without one: the last paragraph before its header."""
    before = rows[: rows.index(header)]
    intro = next((r for r in reversed(before) if r.paragraph and r.cells[0].strip()), None)
    text = intro.cells[0].strip() if intro else "（无表名）"
    line = intro.line if intro else header.line
    return Row((text[:60],), (True,), (header.page,), (line,), paragraph=True)


def _starts_table(row: Row) -> bool:
    title = _title_of(row)
    return title is not None and not continues_table(title)


def _title_of(row: Row) -> str | None:
    texts = [row.cells[i] for i in row.nonempty()]
    if len(texts) == 1 and h.is_title(texts[0]):
        return texts[0]
    return None


def _read_segment(rows: list[Row]) -> LocatedTable | None:
    title_row = rows[0]
    title = title_row.cells[title_row.nonempty()[0]]
    table = LocatedTable(
        title=Text(title, title_row.page, title_row.line, title_row.where),
        kind=h.table_kind(title),
    )
    table.year = _year(rows[:3])
    header_at = next(
        (i for i, r in enumerate(rows) if is_indicator_header(r, _next(rows, i))), None
    )
    preamble = rows[1 : header_at if header_at is not None else len(rows)]
    _read_fields(preamble, table)
    _read_budget(preamble, table)
    _read_goals(preamble, table)
    if header_at is not None:
        read_indicators(rows[header_at:], table)
    if table.total_score is None:
        table.total_score = _total_above(preamble)
    if table.budget is None and not table.indicators and not table.unparsed:
        return None
    return table


_YEAR = regex.compile(r"((?:19|20)\d{2})\s*年")
_TOTAL_ABOVE = regex.compile(
    r"^(?:自评总分|项目总得分|自评总得分|综合得分)\s*[:：为]?\s*(\d+(?:\.\d+)?)\s*分?$"
)


def _total_above(rows: list[Row]) -> str | None:
    """A total printed above the table instead of in a 总分 row (重庆: `自评总分：96分`)."""
    for row in rows:
        found = _TOTAL_ABOVE.match("".join(h.key(row.cells[i]) for i in row.nonempty()))
        if found:
            return found.group(1)
    return None


def _year(rows: list[Row]) -> int | None:
    for row in rows:
        for text in row.cells:
            found = _YEAR.search(text)
            if found:
                return int(found.group(1))
    return None


def _read_fields(rows: list[Row], table: LocatedTable) -> None:
    for row in rows:
        for i in row.nonempty():
            name = h.field_of_label(row.cells[i])
            if name is None or name in table.fields:
                continue
            value = _next_value(row, i)
            if value is not None:
                table.fields[name] = value


def _next_value(row: Row, i: int) -> Text | None:
    """The first cell right of label i; positions covered by the label's span are skipped."""
    for j in range(i + 1, len(row.cells)):
        if not row.origins[j]:
            continue
        if not row.cells[j].strip():
            return None
        return Text(row.cells[j], row.pages[j], row.lines[j])
    return None


def _read_budget(rows: list[Row], table: LocatedTable) -> None:
    for at, row in enumerate(rows):
        columns = h.map_columns(list(row.cells), h.BUDGET_COLUMNS)
        if len({"initial", "full_year", "executed"} & columns.keys()) < 2:
            continue
        table.budget_unit = next(
            (u for u in (unit_in_label(c) for c in row.cells) if u is not None), None
        )
        first_amount = min(columns[k] for k in ("initial", "full_year", "executed") if k in columns)
        header_weight = h.budget_weight_in_header(list(row.cells))
        for body in rows[at + 1 :]:
            budget = _budget_row(body, columns, first_amount)
            if budget is None:
                break
            if header_weight and not budget.weight and table.budget is None:
                budget = dataclasses.replace(budget, weight=header_weight)
            if table.budget is None and (
                h.is_label(budget.label, h.BUDGET_TOTAL_LABELS) or not table.budget_parts
            ):
                table.budget = budget
            else:
                table.budget_parts.append(budget)
        return


def _budget_row(row: Row, columns: dict[str, int], first_amount: int) -> RawBudget | None:
    amounts = [row.text(columns.get(k)) for k in ("initial", "full_year", "executed")]
    if row.paragraph or not any(parse_number(a) is not None for a in amounts):
        return None
    label = next((row.cells[i] for i in row.nonempty() if i < first_amount), "")
    return RawBudget(
        label=label,
        initial=amounts[0],
        full_year=amounts[1],
        executed=amounts[2],
        weight=row.text(columns.get("weight")),
        rate=row.text(columns.get("rate")),
        score=row.text(columns.get("score")),
        page=row.page,
        line=row.line,
    )


def _read_goals(rows: list[Row], table: LocatedTable) -> None:
    for at, row in enumerate(rows):
        if not any(h.is_label(c, (h.GOAL_LABEL,)) for c in row.cells):
            continue
        expected = next(
            (i for i, c in enumerate(row.cells) if h.is_label(c, h.GOAL_EXPECTED)), None
        )
        actual = next((i for i, c in enumerate(row.cells) if h.is_label(c, h.GOAL_ACTUAL)), None)
        if at + 1 < len(rows) and not rows[at + 1].paragraph:
            body = rows[at + 1]
            table.goal_expected = body.text(expected) or None
            table.goal_actual = body.text(actual) or None
        return


def _indicator_header(row: Row) -> bool:
    return is_indicator_header(row)


def _next(rows: list[Row], i: int) -> Row | None:
    return rows[i + 1] if i + 1 < len(rows) else None
