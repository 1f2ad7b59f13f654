"""Ruled tables without pdfminer's interpreter: pdfplumber's lattice on pdfium's objects.

pdfplumber's table finder costs most of a table page, and most of that is pdfminer
interpreting the content stream in Python. Here pdfium (C++) has already parsed the page:
its path objects give the ruling-line edges (parsers.pdf.rulings) and its text page the
characters (parsers.pdf.glyphs), both in pdfplumber's coordinates and shapes. pdfplumber's
own geometry then runs on them (TableFinder's steps: snap and join edges, intersections,
cells, tables; the intersections-to-cells step made cheap in parsers.pdf.crossings and held
to pdfplumber's by the tests), and parsers.pdf.cells deals the characters to cells as for a
pdfplumber page. So the cells are pdfplumber's lattice, not a look-alike.

A page proves itself or is left to pdfplumber: anything the fast path does not read as
pdfminer would (rulings.UndecidedError) sends that page, and only that page, back to pdfplumber,
with the reason kept. The reader hands each ruled page over while its triage has it open
(`Finder`), so a page is loaded and its text read once; pages are read one at a time and
nothing of a page outlives it but its items.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfplumber.table import Table

from parsers.pdf import cells, crossings
from parsers.pdf.glyphs import Char, Fonts, page_chars
from parsers.pdf.grid import Item
from parsers.pdf.pdfium_lock import LOCK as PDFIUM
from parsers.pdf.rulings import Edge, UndecidedError, page_edges, page_height


@dataclass
class Page:
    """What parsers.pdf.cells and pdfplumber's TableFinder read of a pdfplumber page."""

    edges: list[Edge]
    chars: list[Char]
    height: float
    initial_doctop: float  # the heights of the pages before it, as pdfplumber's doctop

    def find_tables(self) -> list[Table]:
        return crossings.find_tables(self)


@dataclass
class Outcome:
    """The pages read here, and why the others are left to pdfplumber (page -> reason)."""

    items: dict[int, list[Item]] = field(default_factory=dict)
    undecided: dict[int, str] = field(default_factory=dict)


def table_items(data: bytes, numbers: list[int], margin: float) -> Outcome:
    """parsers.pdf.cells.page_items of the 1-based pages `numbers`, those it can decide
    (the reader does the same page by page, on pages its triage has open: `Finder`)."""
    out = Outcome()
    finder = Finder(data)
    with PDFIUM:
        pdf = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            with PDFIUM:
                sheet = pdf[number - 1]
                textpage = sheet.get_textpage()
                try:
                    page = finder.extract(sheet, textpage, number)
                finally:
                    textpage.close()
                    sheet.close()
            found = finder.items(page, number, margin)
            if isinstance(found, str):
                out.undecided[number] = found
            else:
                out.items[number] = found
    finally:
        with PDFIUM:
            pdf.close()
    return out


class Finder:
    """The fast path over one document, fed pages already open in pdfium, one at a time.

    pdfminer is asked only what pdfium does not say alike (each page's place in the
    document, its fonts' descents), and only once a ruled page comes: a document without
    tables never parses its page tree twice.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._miner: list[PDFPage] | str | None = None  # str: why pdfminer cannot open it
        self._doctops: list[float] = []
        self._fonts = Fonts()

    def _pages(self) -> list[PDFPage] | str:
        if self._miner is None:
            try:
                parser = PDFParser(io.BytesIO(self._data))
                self._miner = list(PDFPage.create_pages(PDFDocument(parser)))
                self._doctops = _doctops(self._miner)
            except Exception as exc:  # (any failure: pdfplumber decides, and reports)
                self._miner = f"pdfminer cannot open the file ({exc})"
        return self._miner

    def extract(
        self, sheet: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int
    ) -> Page | str:
        """The edges and characters of page `number` (open in `sheet`, the caller holding the
        pdfium lock), or why the fast path leaves the page to pdfplumber."""
        miner = self._pages()
        if isinstance(miner, str):
            return miner
        try:
            metrics = self._fonts.of_page(miner[number - 1])
            height = page_height(sheet)
            edges = page_edges(sheet, height)
            chars: list[Any] = page_chars(textpage, height, metrics)
        except UndecidedError as why:
            return str(why)
        except Exception as exc:  # (the fast path never loses a page)
            return f"{type(exc).__name__}: {exc}"
        return Page(edges, chars, height, self._doctops[number - 1])

    @staticmethod
    def items(page: Page | str, number: int, margin: float) -> list[Item] | str:
        """parsers.pdf.cells.page_items of an extracted page, or why there are none."""
        if isinstance(page, str):
            return page
        try:
            return cells.page_items(page, number, margin)
        except Exception as exc:  # (the fast path never loses a page)
            return f"{type(exc).__name__}: {exc}"


def _doctops(miner: list[PDFPage]) -> list[float]:
    """Each page's doctop offset: the sum of the media box heights before it (pdfplumber)."""
    out, total = [], 0.0
    for page in miner:
        out.append(total)
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        rotated = int(page.attrs.get("Rotate", 0) or 0) % 180 == 90
        total += abs(x1 - x0) if rotated else abs(y1 - y0)
    return out
