"""The intermediate representation every parser returns and every pipeline stage reads.

A `Document` is the ordered list of what a file holds: paragraphs and tables, each carrying
where it came from (page for paged formats, line for text), so that every value that reaches
Parquet can be traced back to file, page and line. The IR knows nothing about budgets or
scores; that is `pipeline`'s business.

Provenance, the same two fields on every cell and paragraph whatever the format:
- `where`: the place in the format's own terms, what an auditor types into the viewer:
  PDF `page 3, box (72,512)-(140,530)` (points from the page's top-left), DOCX
  `table 2, row 5, paragraph 41` (table ordinal, 1-based row, the document's paragraph the
  cell's text starts in), XLSX `Sheet1!F12`, HTML `table 1, row 4`, text `line 123`;
- `bbox`: for PDF cells, the cell's box on its page (x0, top, x1, bottom in points from the
  page's top-left corner), so that a picture of the page can be cropped to it. For a cell
  that a page break cut in two, the part on its first page.
Both name a place, not content: they take no part in comparing cells or paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

IR_VERSION = "2"

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom: points from the top-left


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell as printed. A merged cell appears once, at its top-left position.

    `row`/`col` are 0-based grid coordinates inside its table; `rowspan`/`colspan` >= 1.
    `page` is 1-based (None for unpaged formats), `line` the 1-based source line where one
    exists (text formats, DOCX paragraphs, XLSX rows). Text keeps the cell's paragraphs
    joined by newlines. `where` and `bbox`: see the module docstring.
    `confidence` is set only for text read by OCR: the recogniser's least confident line
    in the cell, 0-1 (None: the text came from the file itself).
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    line: int | None = None
    where: str | None = field(default=None, compare=False)
    bbox: BBox | None = field(default=None, compare=False)
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A run of text outside any table. `page` 1-based or None; `line` 1-based or None;
    `where` as for cells (module docstring)."""

    text: str
    page: int | None = None
    line: int | None = None
    where: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Slot:
    """One position of a table's dense grid: the cell covering it and whether it starts there."""

    cell: Cell
    origin: bool

    @property
    def text(self) -> str:
        return self.cell.text


@dataclass(frozen=True, slots=True)
class Table:
    """A grid of cells. `rows[i]` lists the cells that *start* in grid row i, left to right.

    `source` names a sub-part of the file when the format has one (an XLSX sheet name).
    """

    rows: tuple[tuple[Cell, ...], ...]
    page_start: int | None = None
    page_end: int | None = None
    source: str | None = None

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for row in self.rows for c in row), default=0)

    def dense(self) -> list[list[Slot | None]]:
        """The grid with every position filled by the cell that covers it.

        Positions covered by a span hold a `Slot` with `origin=False`; positions no cell covers
        (ragged rows) hold None. Callers decide which columns may inherit a spanned value.
        """
        width = self.n_cols
        grid: list[list[Slot | None]] = [[None] * width for _ in self.rows]
        for row in self.rows:
            for cell in row:
                for r in range(cell.row, min(cell.row + cell.rowspan, len(grid))):
                    for c in range(cell.col, cell.col + cell.colspan):
                        grid[r][c] = Slot(cell, origin=(r == cell.row and c == cell.col))
        return grid


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a parser could not read faithfully, reported instead of emitting garbage.

    `code` is a stable upper-case token (e.g. TEXT_LAYER_UNREADABLE); the pipeline turns
    notices into findings.
    """

    code: str
    message: str
    page: int | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """Everything one file holds, in reading order.

    `doc_id` is the sha256 hex digest of the file's bytes. `format` is the sniffed format
    (txt, docx, pdf, html, xlsx). `pages` is None for unpaged formats. `parser_version` names
    the parser that produced it so that stored rows can be re-derived when a parser changes.
    """

    path: str
    doc_id: str
    format: str
    blocks: tuple[Block, ...]
    parser_version: str
    pages: int | None = None
    title: str | None = None
    notices: tuple[Notice, ...] = field(default_factory=tuple)

    def paragraphs(self) -> Iterator[Paragraph]:
        return (b for b in self.blocks if isinstance(b, Paragraph))

    def tables(self) -> Iterator[Table]:
        return (b for b in self.blocks if isinstance(b, Table))
