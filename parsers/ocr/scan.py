"""Scanned pages of a PDF: rendered with pdfium, then read like an image file's pages.

Which pages: `auto` reads the pages whose text layer is unusable (only images, or glyphs
without a Unicode mapping), `force` every page, `off` none. Rendering holds the process's
pdfium lock; the OCR after it does not, so a report rendering pictures is not kept waiting.
"""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.ocr import raster
from parsers.ocr.page import PageRead, read_page
from parsers.pdf.grid import RawTable
from parsers.pdf.pdfium_lock import LOCK as PDFIUM
from schemas import Notice

MODES = ("auto", "off", "force")
RENDER_DPI = 200.0  # text of a 9 pt form about 20 px high: what the recogniser reads well
LEAST_DPI = 150.0  # a coarser scan is rendered up to this (its ruling lines stay lines)


def versioned(version: str, mode: str) -> str:
    """A reader's version as stored for a document read under OCR `mode`: a document read
    with OCR off (or forced) is read again when the mode changes."""
    return version if mode == "auto" else f"{version}+ocr-{mode}"


def wanted(mode: str, unusable: bool) -> bool:
    """Whether a page is OCR'd under `mode` (`unusable`: its text layer cannot be used)."""
    if mode not in MODES:
        raise ValueError(f"OCR mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode == "force" or (mode == "auto" and unusable)


def read_pdf_pages(data: bytes, numbers: list[int]) -> dict[int, PageRead]:
    """Pages `numbers` (1-based) of the PDF in `data`, each rendered and OCR'd."""
    out: dict[int, PageRead] = {}
    for number in numbers:
        gray, offset, dpi = _render(data, number)
        out[number] = read_page(gray, number, offset, pt=72.0 / dpi)
    return out


def _render(data: bytes, number: int) -> tuple[raster.Gray, float, float]:
    """The page as a seal-free gray image, the height of the pages before it (points),
    which is where its top lies in document coordinates (pdfplumber's `doctop`), and the
    resolution it was rendered at (`_dpi`)."""
    with PDFIUM:
        pdf = pdfium.PdfDocument(data)
        try:
            offset = sum(pdf.get_page_size(i)[1] for i in range(number - 1))
            page = pdf[number - 1]
            try:
                dpi = _dpi(page)
                image = page.render(scale=dpi / 72.0).to_pil().convert("RGB")
            finally:
                page.close()
        finally:
            pdf.close()
    return raster.seal_free(np.asarray(image)), offset, dpi


def _dpi(page: pdfium.PdfPage) -> float:
    """The scan's own resolution (of an image covering half the page or more), kept between
    LEAST_DPI and RENDER_DPI: rendering a 150 dpi scan at 200 dpi adds pixels, not detail,
    and every step before the recogniser (which scales each line to 48 px) costs by the
    pixel. A page with no such image (a text page OCR'd by force, a logo) gets RENDER_DPI."""
    width, height = page.get_size()
    found = [RENDER_DPI]
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) >= 0.5 * width * height:
            found.append(max(LEAST_DPI, float(obj.get_metadata().horizontal_dpi)))
    return min(found)


def notice(number: int, got: PageRead, why: str) -> Notice:
    """What the report should say about an OCR'd page: read (with its weakest cell), or,
    holding no ruled table, unread for `why` (its text layer's fault)."""
    if not got.tables:
        message = f"page {number}: {why}; no ruled table in its image, its text is not OCR'd"
        return Notice("TEXT_LAYER_UNREADABLE", message, page=number)
    least = min(
        (
            b.confidence
            for it in got.items
            if isinstance(it.block, RawTable)
            for b in it.block.boxes
            if b.confidence is not None
        ),
        default=1.0,
    )
    message = (
        f"page {number}: read by OCR ({got.tables} ruled table(s); "
        f"least confident cell {least:.2f})"
    )
    return Notice("OCR_PAGE", message, page=number)
