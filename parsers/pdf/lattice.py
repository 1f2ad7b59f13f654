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
with the reason kept. Pages are read one at a time and closed, holding the process-wide
pdfium lock only while pdfium is inside.
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
    """parsers.pdf.cells.page_items of the 1-based pages `numbers`, those it can decide."""
    out = Outcome()
    if not numbers:
        return out
    try:
        miner = list(PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(data)))))
    except Exception as exc:  # (any failure: pdfplumber decides, and reports)
        out.undecided = dict.fromkeys(numbers, f"pdfminer cannot open the file ({exc})")
        return out
    doctops = _doctops(miner)
    fonts = Fonts()
    with PDFIUM:
        pdf = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            try:
                page = _page(pdf, miner[number - 1], fonts, number, doctops[number - 1])
                out.items[number] = cells.page_items(page, number, margin)
            except UndecidedError as why:
                out.undecided[number] = str(why)
            except Exception as exc:  # (the fast path never loses a page)
                out.undecided[number] = f"{type(exc).__name__}: {exc}"
    finally:
        with PDFIUM:
            pdf.close()
    return out


def _doctops(miner: list[PDFPage]) -> list[float]:
    """Each page's doctop offset: the sum of the media box heights before it (pdfplumber)."""
    out, total = [], 0.0
    for page in miner:
        out.append(total)
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        rotated = int(page.attrs.get("Rotate", 0) or 0) % 180 == 90
        total += abs(x1 - x0) if rotated else abs(y1 - y0)
    return out


def _page(
    pdf: pdfium.PdfDocument, miner: PDFPage, fonts: Fonts, number: int, doctop: float
) -> Page:
    metrics = fonts.of_page(miner)
    with PDFIUM:
        sheet = pdf[number - 1]
        try:
            height = page_height(sheet)
            edges = page_edges(sheet, height)
            textpage = sheet.get_textpage()
            try:
                chars: list[Any] = page_chars(textpage, height, metrics)
            finally:
                textpage.close()
        finally:
            sheet.close()
    return Page(edges, chars, height, doctop)
