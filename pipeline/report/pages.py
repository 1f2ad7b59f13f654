"""Pictures of the printed page each PDF or scanned table came from, so the auditor sees the
original (for a scan, the picture is the evidence against the recogniser's reading).

A table with a finding whose cells the reader boxed (`bbox`, PDF points on the finding's
page) gets that page cropped around the first such finding, the flagged cells framed. Any
other table gets its page from where its project name (or title) is printed, found through
the page's text layer, to the foot of the page; when neither is found, the whole page.
Rendering is the PDF reader's business (`parsers.pdf.pages`); here the picture
is chosen and embedded as a PNG data URI.
A source that has moved or will not render simply gets no picture: the report never fails
for want of one.
"""

from __future__ import annotations

from pathlib import Path

from parsers.ocr.picture import render_page as render_image_page
from parsers.pdf.pages import render_box, render_page
from pipeline.report.model import FindingView, Report, TableView

MAX_PAGES = 200  # keep diff.html openable when a batch holds thousands of PDF tables


def page_images(report: Report) -> dict[str, str]:
    """{table anchor: data URI} for tables of PDF documents whose file is still readable."""
    images: dict[str, str] = {}
    cache: dict[tuple[str, int, str, str], str | None] = {}
    for doc in report.documents:
        if doc.row.format not in ("pdf", "image"):
            continue
        path = Path(doc.row.path)
        if not path.is_file():
            continue
        for table in doc.tables:
            page = table.row.page
            if page is None or len(cache) >= MAX_PAGES:
                continue
            flagged = _first_boxed(table)
            if doc.row.format == "image":
                key = (str(path), int(page), "", "image")
                if key not in cache:
                    cache[key] = render_image_page(path, int(page))  # a scan: the whole page
            elif flagged is not None and flagged.row.bbox and flagged.row.page is not None:
                box = flagged.row.bbox
                key = (str(path), flagged.row.page, str(box), "box")
                if key not in cache:
                    cache[key] = render_box(path, key[1], box)
            else:
                needles = [table.row.project_name or "", table.row.title or ""]
                key = (str(path), int(page), needles[0], needles[1])
                if key not in cache:
                    cache[key] = render_page(path, int(page), needles)
            uri = cache[key]
            if uri:
                images[table.anchor] = uri
    return images


def _first_boxed(table: TableView) -> FindingView | None:
    """The table's first finding (its own, then its rows') that carries a box and a page."""
    candidates = table.findings + [f for row in table.rows for f in row.findings]
    return next(
        (
            f
            for f in candidates
            if f.row.bbox is not None and len(f.row.bbox) == 4 and f.row.page is not None
        ),
        None,
    )
