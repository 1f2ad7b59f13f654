"""Ruled PDF tables from cell boxes to grids, stitched across page breaks.

pdfplumber finds a table's cells as boxes; a merged cell is one big box (its extraction
returns None for the slots the box covers). Here the boxes become a grid: column edges are
the distinct box x-edges, row edges the distinct box tops, and a box's spans are the edges
it crosses. Boxes use document coordinates (`doctop`: y grows down through the whole file),
so a table stitched from two pages is simply one list of boxes.

Stitching a table B that opens page p+1 onto the table A that closes page p, when A reaches
down into the last LOW_END of its page and their outer x-edges agree:
- B's column edges are a subset of A's or the reverse, or else each of B's edges lies within
  SHIFT of one of A's: then B's boxes are moved onto A's edges (a continuation drawn as a
  grid of its own, its inner boundaries a little off), mapped by nearest edge;
- a header repeated on the new page (B's first rows equal A's first rows) is dropped;
- a row broken by the page break is decided for the row as a whole and then per column. B's
  first row continues A's last row when each of its texts lies under a cell of A's last row
  whose text runs down to the cell's bottom (text goes on, it does not start from nothing),
  and a column that every row of A fills is empty there (a new row would fill it). Then every
  cell of B's first row is joined into the cell above it, the texts joined CJK-aware
  (`<=20.62` / `万元`), whichever column holds them — the row's first text cell included;
- otherwise a box of B's first row still joins the box above when they are one merged cell
  cut by the break (one of them spans rows): empty, it extends that cell; with text, it
  does so only when the text above runs down to the cell's bottom (`可持续影` / `响指标`).

`assemble` puts a document's pages together in reading order, stitching as above (the PDF,
OFD and scan readers share it).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from parsers._text import join_lines
from schemas import Cell, Paragraph, Table
from schemas.ir import BBox, Block

TOL = 2.0  # points: edges closer than this are the same ruling line
SHIFT = 12.0  # points: how far a continuation's inner column edge may sit from the first's
PADDING = 6.0  # points between a cell's border and its text in Word/LibreOffice (0.19 cm)
LOW_END = 0.3  # share of the page height: a table ending above it did not run over the page


@dataclass
class Box:
    """One cell as drawn: x from the left, top/bottom in document coordinates."""

    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    text: str
    text_bottom: float | None = None  # lowest glyph bottom (document coordinates), if any
    bbox: BBox | None = None  # as drawn on `page` (page coordinates); stitching leaves it
    line_end: float | None = None  # right end of the text's last line
    first_width: float | None = None  # width of the text's first glyph
    confidence: float | None = None  # OCR'd text only (parsers.ocr): see schemas.ir.Cell

    def where(self) -> str:
        x0, top, x1, bottom = self.bbox or (self.x0, self.top, self.x1, self.bottom)
        return f"page {self.page}, box ({x0:.0f},{top:.0f})-({x1:.0f},{bottom:.0f})"

    def runs_to_bottom(self) -> bool:
        """Text reaches the box's bottom: a cell the page break may have cut."""
        return self.text_bottom is not None and self.bottom - self.text_bottom <= 2 * PADDING

    def wraps_into(self, below: Box) -> bool:
        """`below`'s text would not have fitted at the end of this box's last line: what a
        line wrap leaves (`<=20.62` / `万元`). Unknown geometry does not say no."""
        if self.line_end is None or below.first_width is None:
            return True
        return self.x1 - self.line_end < below.first_width + PADDING + 1.0


@dataclass
class RawTable:
    """The boxes of one table as found on a page, or stitched over several pages.

    `ends_low`: the table's last part reaches the bottom of its page, as a table pushed on to
    the next page by the page break does; one that ends higher up was finished there.
    """

    boxes: list[Box]
    page_start: int
    page_end: int
    ends_low: bool = True
    x0: float = field(init=False)
    x1: float = field(init=False)

    def __post_init__(self) -> None:
        self.x0 = min(b.x0 for b in self.boxes)
        self.x1 = max(b.x1 for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b.bottom for b in self.boxes)

    def row_tops(self) -> list[float]:
        return edges(b.top for b in self.boxes)


@dataclass
class Item:
    """A block on its page with its vertical extent (page coordinates), to order and stitch
    by. `margin` marks text that does not separate a table from its continuation: the
    running header/footer band, a "续表" mark."""

    top: float
    bottom: float
    block: Paragraph | RawTable
    margin: bool = False


def edges(values: Iterable[float]) -> list[float]:
    """Distinct values, those within TOL of the previous kept one folded into it."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > TOL:
            out.append(v)
    return out


def index(marks: list[float], value: float) -> int:
    """Position in `marks` (from `edges`) of the edge `value` sits on, within TOL."""
    i = bisect_left(marks, value - TOL)
    return min(i, len(marks) - 1)


def _same_x(a: Box, b: Box) -> bool:
    return abs(a.x0 - b.x0) <= TOL and abs(a.x1 - b.x1) <= TOL


def to_table(raw: RawTable) -> Table:
    """The grid: merged boxes become one cell with spans, placed at their top-left."""
    xs = edges([b.x0 for b in raw.boxes] + [b.x1 for b in raw.boxes])
    tops = raw.row_tops()
    placed: dict[tuple[int, int], Cell] = {}
    for b in raw.boxes:
        row, col = index(tops, b.top), index(xs, b.x0)
        rowspan = max(1, sum(1 for t in tops if b.top - TOL <= t < b.bottom - TOL))
        colspan = max(1, index(xs, b.x1) - col)
        cell = Cell(
            b.text,
            row,
            col,
            rowspan,
            colspan,
            page=b.page,
            where=b.where(),
            bbox=b.bbox,
            confidence=b.confidence,
        )
        placed.setdefault((row, col), cell)
    rows: list[list[Cell]] = [[] for _ in tops]
    for (row, _col), cell in sorted(placed.items()):
        rows[row].append(cell)
    return Table(
        rows=tuple(tuple(r) for r in rows), page_start=raw.page_start, page_end=raw.page_end
    )


def _x_edges(raw: RawTable) -> list[float]:
    return edges([x for bx in raw.boxes for x in (bx.x0, bx.x1)])


def _snap(xa: list[float], xb: list[float]) -> dict[float, float] | None:
    """B's edges onto A's when B's are a little off (module docstring), else None.

    Identity when one edge set is a subset of the other (a continuation with fewer or more
    columns drawn on the same boundaries)."""
    small, large = (xa, xb) if len(xa) <= len(xb) else (xb, xa)
    if all(abs(large[index(large, x)] - x) <= TOL for x in small):
        return {x: x for x in xb}
    mapping = {x: _nearest(xa, x) for x in xb}
    if any(abs(mapping[x] - x) > SHIFT for x in xb) or len(set(mapping.values())) < len(xb):
        return None
    return mapping


def _nearest(marks: list[float], x: float) -> float:
    return min(marks, key=lambda m: abs(m - x))


def continues(a: RawTable, b: RawTable) -> bool:
    """Whether `b` (opening the next page) is the rest of `a` (closing this page)."""
    if b.page_start != a.page_end + 1 or not a.ends_low:
        return False
    if abs(a.x0 - b.x0) > TOL or abs(a.x1 - b.x1) > TOL:
        return False
    return _snap(_x_edges(a), _x_edges(b)) is not None


def _onto_columns(a: RawTable, b: RawTable) -> RawTable:
    """`b` with its boxes moved onto `a`'s column edges (see `_snap`)."""
    mapping = _snap(_x_edges(a), _x_edges(b)) or {}
    xb = sorted(mapping)
    for bx in b.boxes:
        bx.x0 = mapping[xb[index(xb, bx.x0)]]
        bx.x1 = mapping[xb[index(xb, bx.x1)]]
    return b


def stitch(a: RawTable, b: RawTable) -> RawTable:
    """`a` with `b` appended (see the module docstring for headers and broken rows)."""
    rest = _drop_repeated_header(a, _onto_columns(a, b))
    if not rest:
        return a
    first_top = min(bx.top for bx in rest)
    first = [bx for bx in rest if bx.top - first_top <= TOL]
    first_bottom = min(f.bottom for f in first)
    a_bottom = a.bottom
    open_cells = [bx for bx in a.boxes if a_bottom - bx.bottom <= TOL]
    last_top = max(bx.top for bx in open_cells)
    pairs = [(above, bx) for bx in first for above in open_cells if _same_x(above, bx)]
    broken = _row_goes_on(a, last_top, pairs)
    consumed: set[int] = set()
    for above, bx in pairs:
        merged_cell = above.top < last_top - TOL or bx.bottom > first_bottom + TOL
        goes_on = not bx.text or (above.runs_to_bottom() and above.wraps_into(bx))
        if broken or (merged_cell and goes_on):
            if bx.text:
                above.text = join_lines([above.text, bx.text])
                above.text_bottom, above.line_end = bx.text_bottom, bx.line_end
            above.bottom = bx.bottom
            consumed.add(id(bx))
    boxes = a.boxes + [bx for bx in rest if id(bx) not in consumed]
    return RawTable(boxes, a.page_start, b.page_end, b.ends_low)


def _row_goes_on(a: RawTable, last_top: float, pairs: list[tuple[Box, Box]]) -> bool:
    """B's first row continues A's last row (module docstring): its texts go on under cells
    whose text ran to the bottom, and a column every row of A fills is left empty."""
    in_last = [(above, bx) for above, bx in pairs if abs(above.top - last_top) <= TOL]
    if not any(bx.text for _, bx in pairs):
        return False
    for above, bx in pairs:
        if bx.text and not (above.text and above.runs_to_bottom() and above.wraps_into(bx)):
            return False
    return any(above.text and not bx.text and _always_filled(a, above) for above, bx in in_last)


def _always_filled(a: RawTable, cell: Box) -> bool:
    """Every box of `a` in `cell`'s column holds text (and there are at least two)."""
    column = [bx for bx in a.boxes if _same_x(bx, cell)]
    return len(column) >= 2 and all(bx.text for bx in column)


def _rows(raw: RawTable) -> list[list[Box]]:
    tops = raw.row_tops()
    rows: list[list[Box]] = [[] for _ in tops]
    for bx in raw.boxes:
        rows[index(tops, bx.top)].append(bx)
    return [sorted(r, key=lambda c: c.x0) for r in rows]


def _signature(row: list[Box], x0: float) -> list[tuple[int, int, str]]:
    return [(round(c.x0 - x0), round(c.x1 - x0), c.text) for c in row]


def _drop_repeated_header(a: RawTable, b: RawTable) -> list[Box]:
    """B's boxes without leading rows that repeat A's leading rows (a repeated header)."""
    rows_a, rows_b = _rows(a), _rows(b)
    k = 0
    while (
        k < min(len(rows_a), len(rows_b) - 1)
        and _close(_signature(rows_a[k], a.x0), _signature(rows_b[k], b.x0))
        and any(c.text for c in rows_b[k])
    ):
        k += 1
    return [bx for row in rows_b[k:] for bx in row]


def _close(sa: list[tuple[int, int, str]], sb: list[tuple[int, int, str]]) -> bool:
    return len(sa) == len(sb) and all(
        abs(p[0] - q[0]) <= TOL and abs(p[1] - q[1]) <= TOL and p[2] == q[2]
        for p, q in zip(sa, sb, strict=True)
    )


def assemble(pages: list[list[Item]]) -> list[Block]:
    """Blocks in reading order, a table continued on the next page stitched into one."""
    blocks: list[Block] = []
    pending: RawTable | None = None  # the table closing the previous page, not yet emitted
    for items in pages:
        pending, rest = _carry(pending, items, blocks)
        body = [it for it in rest if not it.margin]
        last = body[-1].block if body else None
        for it in rest:
            if isinstance(it.block, RawTable) and it.block is last:
                pending = it.block  # it may go on at the top of the next page
            elif isinstance(it.block, RawTable):
                blocks.append(to_table(it.block))
            else:
                blocks.append(it.block)
    if pending is not None:
        blocks.append(to_table(pending))
    return blocks


def _carry(
    pending: RawTable | None, items: list[Item], blocks: list[Block]
) -> tuple[RawTable | None, list[Item]]:
    """Stitch the page's opening table onto `pending` if it continues it, else emit `pending`.

    Returns the table still open (when the page holds nothing else, the next page may
    continue it again) and the page's remaining items.
    """
    if pending is None:
        return None, items
    body = [it for it in items if not it.margin]
    first = body[0].block if body else None
    if not (isinstance(first, RawTable) and continues(pending, first)):
        blocks.append(to_table(pending))
        return None, items
    merged = stitch(pending, first)
    rest = [it for it in items if it.block is not first]
    if all(it.margin for it in rest):
        blocks.extend(it.block for it in rest if isinstance(it.block, Paragraph))
        return merged, []
    blocks.append(to_table(merged))
    return None, rest
