"""Pictures of the printed page each PDF table came from, so the auditor sees the original.

The dataset records the page of every table but not its box on the page, so the picture
starts where the table's project name (or title) is printed on that page, found through the
page's text layer, and runs to the foot of the page; when neither is found, the whole page
is shown. Rendering is the PDF reader's business (`parsers.pdf.pages`); here the picture
is chosen and embedded as a PNG data URI.
A source that has moved or will not render simply gets no picture: the report never fails
for want of one.
"""

from __future__ import annotations

from pathlib import Path

from parsers.pdf.pages import render_page
from pipeline.report.model import Report

MAX_PAGES = 200  # keep diff.html openable when a batch holds thousands of PDF tables


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
