"""Ruled PDF tables from cell boxes to grids, stitched across page breaks.

pdfplumber finds a table's cells as boxes; a merged cell is one big box (its extraction
returns None for the slots the box covers). Here the boxes become a grid: column edges are
the distinct box x-edges, row edges the distinct box tops, and a box's spans are the edges
it crosses. Boxes use document coordinates (`doctop`: y grows down through the whole file),
so a table stitched from two pages is simply one list of boxes.

Stitching a table B that opens page p+1 onto the table A that closes page p, when A reaches
down into the last LOW_END of its page, their outer x-edges agree and one's column edges are
a subset of the other's:
- a header repeated on the new page (B's first rows equal A's first rows) is dropped;
- a row split by the page break (in B's first row, the column that keys A's last row — its
  leftmost non-empty cell — is empty while other cells carry text) is merged into A's last
  row, texts joined, the cells then ending on page p+1;
- an empty box opening B below a cell of A that already spans rows (a label merged down
  over the page break) extends that cell instead of becoming a blank cell.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from parsers._text import join_lines
from schemas import Cell, Paragraph, Table

TOL = 2.0  # points: edges closer than this are the same ruling line
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
        placed.setdefault((row, col), Cell(b.text, row, col, rowspan, colspan, page=b.page))
    rows: list[list[Cell]] = [[] for _ in tops]
    for (row, _col), cell in sorted(placed.items()):
        rows[row].append(cell)
    return Table(
        rows=tuple(tuple(r) for r in rows), page_start=raw.page_start, page_end=raw.page_end
    )


def continues(a: RawTable, b: RawTable) -> bool:
    """Whether `b` (opening the next page) is the rest of `a` (closing this page)."""
    if b.page_start != a.page_end + 1 or not a.ends_low:
        return False
    if abs(a.x0 - b.x0) > TOL or abs(a.x1 - b.x1) > TOL:
        return False
    xa = edges([x for bx in a.boxes for x in (bx.x0, bx.x1)])
    xb = edges([x for bx in b.boxes for x in (bx.x0, bx.x1)])
    small, large = (xa, xb) if len(xa) <= len(xb) else (xb, xa)
    return all(abs(large[index(large, x)] - x) <= TOL for x in small)


def stitch(a: RawTable, b: RawTable) -> RawTable:
    """`a` with `b` appended (see the module docstring for headers and split rows)."""
    rest = _drop_repeated_header(a, b)
    if not rest:
        return a
    first_top = min(bx.top for bx in rest)
    first = [bx for bx in rest if bx.top - first_top <= TOL]
    a_bottom = a.bottom
    open_cells = [bx for bx in a.boxes if a_bottom - bx.bottom <= TOL]
    last_top = max(bx.top for bx in open_cells)
    split = _is_split_row(open_cells, last_top, first)
    consumed: set[int] = set()
    for bx in first:
        above = next((c for c in open_cells if _same_x(c, bx)), None)
        if above is None:
            continue
        first_row_bottom = min(f.bottom for f in first)
        spans_rows = above.top < last_top - TOL or bx.bottom > first_row_bottom + TOL
        if split or (not bx.text and spans_rows):
            above.text = join_lines([above.text, bx.text]) if bx.text else above.text
            above.bottom = bx.bottom
            consumed.add(id(bx))
    boxes = a.boxes + [bx for bx in rest if id(bx) not in consumed]
    return RawTable(boxes, a.page_start, b.page_end, b.ends_low)


def _is_split_row(open_cells: list[Box], last_top: float, first: list[Box]) -> bool:
    """A's last row is key-empty in `first` while `first` carries text: a split row."""
    last_row = sorted((c for c in open_cells if abs(c.top - last_top) <= TOL), key=lambda c: c.x0)
    key = next((c for c in last_row if c.text), None)
    if key is None or not any(bx.text for bx in first):
        return False
    below = next((bx for bx in first if _same_x(bx, key)), None)
    return below is not None and not below.text


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
