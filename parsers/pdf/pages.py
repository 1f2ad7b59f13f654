"""Render a PDF page as a PNG: the picture of the printed original that the diff report
shows beside a table read from a PDF. Cropped around a box the reader recorded (a flagged
cell, outlined in red), or else to start above a given text.

Rendered with pypdfium2 at a modest resolution (holding the process-wide pdfium lock). A
file that has moved or will not render gives None: callers show no picture rather than fail.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from parsers.pdf.pdfium_lock import LOCK as PDFIUM

SCALE = 1.25  # 90 dpi: table text legible, a page about 100-200 KB as PNG
MARGIN = 36.0  # points kept above the found text: the heading lines over the table
CONTEXT = 120.0  # points kept above and below a box: the rows around the flagged one
OUTLINE = (220, 30, 30)  # the box's frame on the picture, RGB


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


def render_box(
    path: Path, page: int, box: tuple[float, float, float, float], scale: float = SCALE
) -> str | None:
    """Page `page` (1-based) cropped to CONTEXT points above and below `box` (x0, top, x1,
    bottom in points from the page's top-left, as the reader records cells), the box framed
    in red; a PNG data URI, or None if the page cannot be rendered."""
    with PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except (pdfium.PdfiumError, OSError):
            return None
        try:
            if not 1 <= page <= len(pdf):
                return None
            sheet = pdf[page - 1]
            height = sheet.get_height()
            above = max(0.0, box[1] - CONTEXT)
            below = max(0.0, height - box[3] - CONTEXT)
            image = sheet.render(scale=scale, crop=(0, below, 0, above)).to_pil().convert("RGB")
        finally:
            pdf.close()
    frame = [box[0], box[1] - above, box[2], box[3] - above]
    ImageDraw.Draw(image).rectangle([v * scale for v in frame], outline=OUTLINE, width=2)
    return _png(image)


def _png(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


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
    finally:
        pdf.close()
    return _png(image)
