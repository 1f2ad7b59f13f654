"""Pictures of the printed page each PDF table came from, so the auditor sees the original.

The dataset records the page of every table but not its box on the page, so the whole page
is shown, rendered with pypdfium2 at a modest resolution and embedded as a PNG data URI.
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


def render_page(path: Path, page: int, scale: float = SCALE) -> str | None:
    """Page `page` (1-based) of the PDF at `path` as a PNG data URI, or None if it can't be."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError):
        return None
    try:
        if not 1 <= page <= len(pdf):
            return None
        image = pdf[page - 1].render(scale=scale).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    finally:
        pdf.close()
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def page_images(report: Report) -> dict[str, str]:
    """{table anchor: data URI} for tables of PDF documents whose file is still readable."""
    images: dict[str, str] = {}
    cache: dict[tuple[str, int], str | None] = {}
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
            key = (str(path), int(page))
            if key not in cache:
                cache[key] = render_page(path, int(page))
            uri = cache[key]
            if uri:
                images[table.anchor] = uri
    return images
