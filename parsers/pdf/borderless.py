"""Tables printed without ruling lines (whitespace-aligned), read from word positions.

pdfplumber's "text" strategy cuts a row at every text line, so a cell wrapped over two lines
becomes two rows (jsvine/pdfplumber#259, #488; tabula's maintainers say no rule tells a wrap
from a new row in general). Here the page's characters are grouped by geometry (never by
content-stream order) into lines, each line into fragments at gaps wider than a cell's
padding, and a fragment belongs to the column whose left edge it starts on. A line then either
continues the row above or starts a new one, decided by the same evidence as a page break in a
ruled table (`grid.Box.wraps_into`): text goes on under a fragment only where that fragment
ran up to the next column, so that the next glyph would not have fitted.

- a line all of whose fragments go on from a wrapped fragment above continues the row;
- so does a line that only goes on under the text above it, column by column, and leaves
  empty at least half the columns that this row and the row before it fill: the next
  paragraphs of its cells (a line break typed in a cell leaves no wrap to see);
- any other line starts a row. Its fragments that could go on from a wrapped fragment above
  are the guess the geometry leaves open: they are taken as the rest of a label merged down
  over rows (`年度绩效` / `指标`) only when they lie left of the line's first fresh fragment,
  the label above already wrapped, and a later row leaves that column empty; otherwise as
  cells of the new row.
Each guess is listed in a notice (TABLE_LAYOUT_GUESSED), never made silently. Measured on
the generated families drawn without lines (`python -m bench.layouts --layouts
pdf_borderless`): see the README.

A region is read as a table when at least MIN_ROWS of its lines hold MIN_FRAGMENTS fragments
and every fragment starts on a column edge that two fragments share. Otherwise its lines stay
text and a notice says a table-like block was not read as a grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parsers._text import join_lines
from parsers.pdf.cells import line_text, lines
from parsers.pdf.fragments import Fragment, closes, fragments, quantity
from parsers.pdf.grid import LOW_END, PADDING, TOL, Box, Item, RawTable, edges, index
from schemas import Notice, Paragraph

MIN_FRAGMENTS = 3  # fragments on a line that look like a table row
MIN_ROWS = 3  # such lines before a block is taken for a table
MAX_LEAD = 2.5  # a vertical gap this many line heights ends a block


@dataclass
class _Cell:
    col: int
    row: int
    parts: list[Fragment] = field(default_factory=list)
    last_row: int = 0
    colspan: int = 1


def page_items(
    page: Any, number: int, margin: float, before: list[Item] | None = None
) -> tuple[list[Item] | None, list[Notice]]:
    """The page's borderless tables and its other lines, or None when it holds no such table
    (the caller keeps its plain text); and the notices on what could not be read as a grid.
    `before`: the page before's items. A table that ran to its foot may go on at the top of
    this page in a few rows on its columns: they are read on those columns (so the caller
    stitches them on, as a ruled table's), however few."""
    grouped = [line for line in lines(list(page.chars)) if any(c["text"].strip() for c in line)]
    rows = [fragments(line) for line in grouped]
    offset, height = page.initial_doctop, page.height
    items: list[Item] = []
    notices: list[Notice] = []
    taken: set[int] = set()
    carried = _carried(before)
    for start, end in _blocks(rows, 1 if carried else MIN_ROWS):
        block = rows[start:end]
        on = carried if start == 0 and carried and _fits(block, carried) else None
        if on is None and sum(len(r) >= MIN_FRAGMENTS for r in block) < MIN_ROWS:
            continue  # a few lines that do not go on with the table above: text
        got = _grid(block, number, offset, on)
        if isinstance(got, str):
            notices.append(Notice("TABLE_LAYOUT_UNREAD", f"page {number}: {got}", page=number))
            continue
        table, guesses = got
        table.ends_low = rows[end - 1][0].bottom >= (1 - LOW_END) * height
        taken.update(range(start, end))
        items.append(Item(rows[start][0].top, rows[end - 1][0].bottom, table))
        if guesses:
            notices.append(_guess_notice(number, guesses))
    if not taken:
        return None, notices
    for k, frags in enumerate(rows):
        if k in taken:
            continue
        text = line_text(grouped[k])
        top, bottom = frags[0].top, max(f.bottom for f in frags)
        in_band = bottom < margin * height or top > (1 - margin) * height
        items.append(Item(top, bottom, Paragraph(text, number, where=f"page {number}"), in_band))
    items.sort(key=lambda it: it.top)
    return items, notices


def _guess_notice(number: int, guesses: list[str]) -> Notice:
    """The guesses listed, those that joined text first (they change a cell, the others
    only leave it as printed)."""
    joined = [g for g in guesses if g.endswith(" joined")]
    ordered = joined + [g for g in guesses if not g.endswith(" joined")]
    listed = "; ".join(ordered[:8]) + ("; …" if len(ordered) > 8 else "")
    return Notice(
        "TABLE_LAYOUT_GUESSED",
        f"page {number}: a table without ruling lines read from word positions; "
        f"{len(guesses)} line(s) whose row the geometry leaves open, {len(joined)} of them "
        f"joined to the cell above: {listed}",
        page=number,
    )


def _carried(before: list[Item] | None) -> list[float] | None:
    """The column edges of the table that closes the page before and runs to its foot."""
    body = [it for it in before or [] if not it.margin]
    last = body[-1].block if body else None
    if not isinstance(last, RawTable) or not last.ends_low:
        return None
    return edges([x for b in last.boxes for x in (b.x0, b.x1)])


def _blocks(rows: list[list[Fragment]], first_rows: int) -> list[tuple[int, int]]:
    """(start, end) line ranges that look like a table: MIN_ROWS lines of MIN_FRAGMENTS
    fragments (`first_rows` for the range that opens the page), with no gap wider than
    MAX_LEAD line heights inside. A range runs from its first line of two fragments or more
    to its last, and on over the lines that only go on under a fragment of the line above
    (the last row's wrapped text), not into the prose that follows at normal spacing."""
    out: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(rows) + 1):
        if k == len(rows) or _gap(rows[k - 1], rows[k]):
            span = rows[start:k]
            wide = [i for i, r in enumerate(span) if len(r) >= MIN_FRAGMENTS]
            if len(wide) >= (first_rows if start == 0 else MIN_ROWS):
                several = [i for i, r in enumerate(span) if len(r) >= 2]
                end = several[-1] + 1
                starts = sorted({f.x0 for i in wide for f in span[i]})
                while end < len(span) and _under(span[end], span[end - 1], starts):
                    end += 1
                out.append((start + several[0], start + end))
            start = k
    return out


def _under(line: list[Fragment], above: list[Fragment], starts: list[float]) -> bool:
    """Each fragment of `line` starts where one of `above` starts and is no wider, or, right
    of the first column (where the prose after the table starts too), ends inside its
    column: before the next place a fragment of the table's rows starts (`starts`)."""
    inside = [x for x in starts if x > starts[0] + TOL] + [float("inf")]

    def goes_on(f: Fragment, a: Fragment) -> bool:
        if abs(f.x0 - a.x0) > TOL:
            return False
        narrow = f.x1 <= a.x1 + TOL
        return narrow or (f.x0 > starts[0] + TOL and f.x1 < next(x for x in inside if x > f.x0))

    return all(any(goes_on(f, a) for a in above) for f in line)


def _gap(above: list[Fragment], below: list[Fragment]) -> bool:
    pitch = max(f.bottom for f in above) - min(f.top for f in above)
    return min(f.top for f in below) - max(f.bottom for f in above) > MAX_LEAD * pitch


def _grid(
    block: list[list[Fragment]], number: int, offset: float, carried: list[float] | None = None
) -> tuple[RawTable, list[str]] | str:
    """The block as a table of boxes, with the guesses it took; or why it is no grid. On the
    `carried` column edges of the table above when given (`_fits`)."""
    starts = [x for x, n in _clusters([f.x0 for r in block for f in r]) if n >= 2]
    right = max(f.x1 for r in block for f in r) + 2 * PADDING
    if carried:
        starts, right = carried[:-1], carried[-1]
    for r in block:
        for f in r:
            f.col = index(starts, f.x0)
            if abs(starts[f.col] - f.x0) > TOL:
                return (
                    f"a table-like block without ruling lines ({f.text!r} starts on no column "
                    "edge) was not read as a grid; its lines are kept as text"
                )
    cells, n_rows, guesses = _cells(block, starts, right)
    tops = [min(p.top for c in cells if c.row == r for p in c.parts) for r in range(n_rows)]
    ys = [*tops, max(f.bottom for f in block[-1])]
    return _raw(cells, [*starts, right], ys, number, offset), guesses


def _fits(block: list[list[Fragment]], columns: list[float]) -> bool:
    """Every fragment starts on a column edge and ends before the last."""
    return all(
        any(abs(f.x0 - x) <= TOL for x in columns[:-1]) and f.x1 <= columns[-1] + TOL
        for line in block
        for f in line
    )


def _clusters(values: list[float]) -> list[tuple[float, int]]:
    marks = edges(values)
    counts = [0] * len(marks)
    for v in values:
        counts[index(marks, v)] += 1
    return list(zip(marks, counts, strict=True))


def _cells(
    block: list[list[Fragment]], starts: list[float], right: float
) -> tuple[list[_Cell], int, list[str]]:
    """Cells with their rows (module docstring) and the guesses taken."""
    cells: list[_Cell] = []
    open_: dict[int, _Cell] = {}  # column -> its cell whose last line is the line above
    row = -1
    guesses: list[str] = []
    heads: list[set[int]] = []  # the columns of each row's first line
    for k, line in enumerate(block):
        above = {f.col: f for f in block[k - 1]} if k else {}
        goes_on = [
            f.col in above
            and _wrapped(above[f.col], f, starts, right)
            and not _two_values(above[f.col], f)
            for f in line
        ]
        filled = set.intersection(*heads[-2:]) if heads else set()
        if not all(goes_on) and _line_break(line, above, filled, starts, right):
            guesses.append(" ".join(f"{above[f.col].text}/{f.text}" for f in line) + " joined")
            goes_on = [True] * len(line)
        fresh = [f.col for f, g in zip(line, goes_on, strict=True) if not g]
        if fresh:
            row += 1
            heads.append({f.col for f in line})
        first = min(fresh, default=len(starts))
        for f, g in zip(line, goes_on, strict=True):
            joined = g and f.col in open_
            joined = joined and (
                not fresh or _merged_label(block[k + 1 :], f, first, open_, starts, right)
            )
            if g and fresh:
                cell = open_.get(f.col)
                head = join_lines([p.text for p in cell.parts]) if cell else ""
                guesses.append(f"{head}/{f.text} " + ("joined" if joined else "kept apart"))
            if joined:
                cell = open_[f.col]
                cell.parts.append(f)
                cell.last_row = row
            else:
                cell = _Cell(f.col, row, [f], row)
                cells.append(cell)
                open_[f.col] = cell
            cell.colspan = max(cell.colspan, _span(f, starts))
        open_ = {c: cell for c, cell in open_.items() if c in {f.col for f in line}}
    return cells, row + 1, guesses


def _line_break(
    line: list[Fragment],
    above: dict[int, Fragment],
    filled: set[int],
    starts: list[float],
    right: float,
) -> bool:
    """A line that only goes on under the text above it, column by column and inside each
    column, and leaves empty at least half the columns that this row and the one before both
    fill (`filled`), or closes a bracket a cell above left open (`项目过程（20` / `分）`): the
    cells' next paragraphs (a line break typed in a cell), not a row.
    A number under a number is not: a cell's next paragraph carries its text on, two numbers
    one over the other are two rows' values (the row under a row whose name ran over two
    lines, its labels merged down and its last cell blank, fits the rest of this test)."""
    empty = filled - {f.col for f in line}
    sparse = bool(empty) and 2 * len(empty) >= len(filled)
    if not (sparse or any(f.col in above and closes(above[f.col], f) for f in line)):
        return False
    if any(f.col in above and quantity(f) and quantity(above[f.col]) for f in line):
        return False
    return all(
        f.col in above and f.x1 < next((s for s in starts if s > above[f.col].x1), right)
        for f in line
    )


def _two_values(above: Fragment, below: Fragment) -> bool:
    """A value under a value whole with its unit (`>=2760人次` over `>=1840人次`) is two rows'
    values, however full its column: a wrap moves the end of a cell's text, and a value that
    prints its unit has nothing left to move (a long number, `480,000.0` / `0`, can wrap)."""
    return quantity(above) and quantity(below) and not above.text.rstrip()[-1:].isdigit()


def _merged_label(
    below: list[list[Fragment]],
    f: Fragment,
    first: int,
    open_: dict[int, _Cell],
    starts: list[float],
    right: float,
) -> bool:
    """Whether `f`, on a line that starts a row (`below`: the lines after it), goes on with
    the cell above rather than starting one: it lies left of the row's first fresh fragment,
    the cell above already wrapped (one line from the line before) or `f` closes the bracket
    it left open (`产出指标（50` / `分）`), and the next row leaves this column empty as the
    rows under a merged label do, the label's own wrapped lines aside (a name column is
    filled again by the next row)."""
    above = open_[f.col]
    if f.col >= first or (len(above.parts) < 2 and not closes(above.parts[-1], f)):
        return False
    last = f
    for line in below:
        g = next((x for x in line if x.col == f.col), None)
        if g is None and len(line) >= MIN_FRAGMENTS:
            return True
        if g is not None and not _wrapped(last, g, starts, right):
            return False
        last = g or last
    return False


def _wrapped(above: Fragment, below: Fragment, starts: list[float], right: float) -> bool:
    """`below` would not have fitted after `above` on its line: `above` ran up to the next
    column edge (less both cells' padding), as in `grid.Box.wraps_into`, and `below` keeps
    inside that edge too (text reaching past it belongs to a cell spanning more columns)."""
    limit = next((s for s in starts if s > above.x1), right)
    fits = below.x1 < limit
    return fits and limit - above.x1 < below.first_width + 2 * PADDING + 1.0


def _span(f: Fragment, starts: list[float]) -> int:
    """Columns a fragment reaches over: every column edge it passes."""
    return max(1, sum(1 for s in starts if f.x0 - TOL <= s < f.x1))


def _raw(
    cells: list[_Cell], xs: list[float], ys: list[float], number: int, offset: float
) -> RawTable:
    """Boxes on the grid the cells define (`xs` column edges, `ys` row edges, page
    coordinates), an empty box in every place no text covers, so that `grid.to_table`
    rebuilds rows and spans from their edges like a ruled table's."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    boxes: list[Box] = []
    covered: set[tuple[int, int]] = set()
    for c in cells:
        rowspan = c.last_row - c.row + 1
        span = min(c.colspan, n_cols - c.col)
        covered |= {(c.row + i, c.col + j) for i in range(rowspan) for j in range(span)}
        box = (xs[c.col], ys[c.row], xs[c.col + span], ys[c.row + rowspan])
        text = join_lines([p.text for p in c.parts])
        boxes.append(_box(box, text, number, offset, c.parts))
    for r in range(n_rows):
        for col in range(n_cols):
            if (r, col) not in covered:
                boxes.append(_box((xs[col], ys[r], xs[col + 1], ys[r + 1]), "", number, offset))
    return RawTable(boxes, number, number, ends_low=False)


def _box(
    box: tuple[float, float, float, float],
    text: str,
    number: int,
    offset: float,
    parts: list[Fragment] | None = None,
) -> Box:
    x0, top, x1, bottom = box
    drawn = (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))
    out = Box(x0, x1, top + offset, bottom + offset, number, text, bbox=drawn)
    if parts:
        out.text_bottom = parts[-1].bottom + offset
        out.line_end = parts[-1].x1
        out.first_width = parts[0].first_width
    return out
