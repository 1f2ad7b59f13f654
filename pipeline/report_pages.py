"""Pictures of the printed page each PDF table came from, so the auditor sees the original.

The dataset records the page of every table but not its box on the page, so the picture
starts where the table's project name (or title) is printed on that page, found through the
page's text layer, and runs to the foot of the page; when neither is found, the whole page
is shown. Rendered with pypdfium2 at a modest resolution, embedded as a PNG data URI.
A source that has moved or will not render simply gets no picture: the report never fails
for want of one.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.report_model import Report

SCALE = 1.25  # 90 dpi: table text legible, a page about 100-200 KB as PNG
MAX_PAGES = 200  # keep diff.html openable when a batch holds thousands of PDF tables
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
    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError):
        return None
    try:
        if not 1 <= page <= len(pdf):
            return None
        sheet = pdf[page - 1]
        top = _text_top(sheet, needles or [])
        height = sheet.get_height()
        cut = 0.0 if top is None else max(0.0, height - top - MARGIN)
        image = sheet.render(scale=scale, crop=(0, 0, 0, cut)).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    finally:
        pdf.close()
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def page_images(report: Report) -> dict[str, str]:
    """{table anchor: data URI} for tables of PDF documents whose file is still readable."""
    images: dict[str, str] = {}
    cache: dict[tuple[str, int, str, str], str | None] = {}
    for doc in report.documents:
        if doc.row["format"] != "pdf":
            continue
        path = Path(str(doc.row["path"]))
        if not path.is_file():
            continue
        for table in doc.tables:
            page = table.row["page"]
            if page is None or len(cache) >= MAX_PAGES:
                continue
            needles = [str(table.row[k] or "") for k in ("project_name", "title")]
            key = (str(path), int(page), needles[0], needles[1])
            if key not in cache:
                cache[key] = render_page(path, int(page), needles)
            uri = cache[key]
            if uri:
                images[table.anchor] = uri
    return images
