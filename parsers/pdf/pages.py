"""Render a PDF page as a PNG, cropped to start above a given text: the picture of the
printed original that the diff report shows beside a table read from a PDF.

Rendered with pypdfium2 at a modest resolution (holding the process-wide pdfium lock). A
file that has moved or will not render gives None: callers show no picture rather than fail.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pypdfium2 as pdfium

from parsers.pdf.pdfium_lock import LOCK as PDFIUM

SCALE = 1.25  # 90 dpi: table text legible, a page about 100-200 KB as PNG
MARGIN = 36.0  # points kept above the found text: the heading lines over the table


def _text_top(page: pdfium.PdfPage, needles: list[str]) -> float | None:
    """Top (PDF points from the bottom) of the first needle printed on `page`, if any."""
    textpage = page.get_textpage()
    try:
        for needle in needles:
            hit = textpage.search(needle).get_next() if needle.strip() else None
            if hit:
                top: float = textpage.get_charbox(hit[0])[3]
                return top
    finally:
        textpage.close()
    return None


def render_page(
    path: Path, page: int, needles: list[str] | None = None, scale: float = SCALE
) -> str | None:
    """Page `page` (1-based) of the PDF at `path` as a PNG data URI, or None if it can't be.

    With `needles`, the picture is cropped to start just above the first one found.
    """
    with PDFIUM:
        return _render(path, page, needles or [], scale)


def _render(path: Path, page: int, needles: list[str], scale: float) -> str | None:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError):
        return None
    try:
        if not 1 <= page <= len(pdf):
            return None
        sheet = pdf[page - 1]
        top = _text_top(sheet, needles)
        height = sheet.get_height()
        cut = 0.0 if top is None else max(0.0, height - top - MARGIN)
        image = sheet.render(scale=scale, crop=(0, 0, 0, cut)).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    finally:
        pdf.close()
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
