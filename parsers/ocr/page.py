"""One page image to the items a ruled PDF page gives: tables as boxes, text lines around them.

Coordinates leave here in points (the page taken as A4 wide, `raster.A4_WIDTH_PT`), tables
in document coordinates (`offset` = the height of the pages before), so that
`parsers.pdf.grid.assemble` stitches a table running over a scanned page break as it does
for a text PDF. A cell's lines are joined CJK-aware like a PDF cell's; a line that ends a
sentence well short of the cell's right border ended its paragraph.

Pages without a ruled table give no items: prose is not OCR'd (a scanned report's narrative
pages would cost seconds each and hold no table); the caller reports them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parsers._text import join_lines
from parsers.ocr import raster, recognize, ruling
from parsers.ocr.recognize import Line
from parsers.ocr.ruling import Grid, Rect
from parsers.pdf.grid import LOW_END, Box, Item, RawTable
from schemas import Paragraph

MARGIN = 0.08  # top/bottom share of the page read as running header/footer (as for PDFs)
_SENTENCE_END = ("。", "！", "？", "；", ".", "!", "?", ";")


@dataclass(frozen=True)
class PageRead:
    """What OCR made of a page: its items, its height in points, and its tables found."""

    items: list[Item]
    height: float
    tables: int


def read_page(gray: raster.Gray, number: int, offset: float, pt: float | None = None) -> PageRead:
    """Items of page `number` (1-based) from its seal-free gray image.

    `pt` is the size of a pixel in points when it is known (a rendered PDF page); an image
    file's page is taken as A4 wide.
    """
    gray, mask = raster.levelled(gray)
    pt = pt or raster.points_per_pixel(gray)
    px_per_pt = 1.0 / pt
    height = gray.shape[0] * pt
    grids = ruling.tables(mask, px_per_pt)
    if not grids:
        return PageRead([], height, 0)
    cell_lines = [[recognize.text_lines(mask, c, px_per_pt) for c in g.cells] for g in grids]
    outside = _outside_lines(mask, grids, px_per_pt)
    boxes = [b for per_grid in cell_lines for per_cell in per_grid for b in per_cell]
    read = iter(recognize.read_lines(gray, boxes + [b for seg in outside for b in seg]))
    items: list[Item] = []
    for grid, per_grid in zip(grids, cell_lines, strict=True):
        cells = [
            (c, [next(read) for _ in lines]) for c, lines in zip(grid.cells, per_grid, strict=True)
        ]
        items.append(_table_item(grid, cells, number, pt, offset, height))
    for segments in outside:
        parts = [next(read) for _ in segments]
        text = " ".join(p.text for p in parts if p.text)
        if text:
            top, bottom = segments[0].top * pt, max(s.bottom for s in segments) * pt
            in_band = bottom < MARGIN * height or top > (1 - MARGIN) * height
            items.append(Item(top, bottom, Paragraph(text, page=number), in_band))
    items.sort(key=lambda it: it.top)
    return PageRead(items, height, len(grids))


def _table_item(
    grid: Grid,
    cells: list[tuple[Rect, list[Line]]],
    number: int,
    pt: float,
    offset: float,
    height: float,
) -> Item:
    boxes = [
        Box(
            rect.x0 * pt,
            rect.x1 * pt,
            rect.top * pt + offset,
            rect.bottom * pt + offset,
            number,
            cell_text(lines, rect),
            bbox=(rect.x0 * pt, rect.top * pt, rect.x1 * pt, rect.bottom * pt),
            confidence=min((ln.confidence for ln in lines), default=1.0),
        )
        for rect, lines in cells
    ]
    top, bottom = grid.bbox.top * pt, grid.bbox.bottom * pt
    ends_low = bottom >= (1 - LOW_END) * height
    return Item(top, bottom, RawTable(boxes, number, number, ends_low))


def cell_text(lines: list[Line], cell: Rect) -> str:
    """A cell's lines as one text: wrapped lines joined, paragraphs on lines of their own."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        paragraphs[-1].append(line.text)
        short = cell.x1 - line.box.x1 > 3 * line.box.height
        if line.text.endswith(_SENTENCE_END) and short:
            paragraphs.append([])
    # tidied again once joined: a bracket pair can close on the next line (`满意度` / `(%)`)
    return "\n".join(t for t in (recognize.tidy(join_lines(p)) for p in paragraphs) if t)


def _outside_lines(mask: raster.Gray, grids: list[Grid], px_per_pt: float) -> list[list[Rect]]:
    """Text lines of the page outside its tables, each split where a wide gap parts it."""
    rest = mask.copy()
    for g in grids:
        rest[g.bbox.top : g.bbox.bottom, g.bbox.x0 : g.bbox.x1] = 0
    h, w = rest.shape
    out: list[list[Rect]] = []
    for line in recognize.text_lines(rest, ruling.Rect(0, 0, w, h), px_per_pt):
        out.append(_segments(rest, line))
    return out


def _segments(mask: raster.Gray, line: Rect) -> list[Rect]:
    """`line` cut at gaps wider than twice its height (columns of a header line)."""
    cols = np.flatnonzero(mask[line.top : line.bottom, line.x0 : line.x1].max(axis=0))
    wide = 2 * line.height
    out: list[Rect] = []
    start = prev = int(cols[0])
    for c in (int(v) for v in cols[1:]):
        if c - prev > wide:
            out.append(Rect(line.x0 + start, line.top, line.x0 + prev + 1, line.bottom))
            start = c
        prev = c
    out.append(Rect(line.x0 + start, line.top, line.x0 + prev + 1, line.bottom))
    return out
