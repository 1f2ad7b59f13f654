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

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parsers.ocr.picture import render_page as render_image_page
from parsers.pdf.pages import render_box, render_page
from pipeline.report.model import DocumentView, FindingView, TableView

MAX_PAGES = 200  # pictures in one report: thousands of PDF tables would take hours


@dataclass(slots=True)
class PageImages:
    """Pictures for one document's tables at a time; at most MAX_PAGES in the whole report."""

    rendered: int = 0

    def of(self, doc: DocumentView) -> dict[str, str]:
        """{table anchor: data URI} for the tables of `doc`, when it is a PDF or a scan whose
        file is still readable."""
        images: dict[str, str] = {}
        if doc.row.format not in ("pdf", "image"):
            return images
        path = Path(doc.row.path)
        if not path.is_file():
            return images
        cache: dict[tuple[str, int, str, str], str | None] = {}
        for table in doc.tables:
            page = table.row.page
            if page is None or self.rendered >= MAX_PAGES:
                continue
            key, render = _picture(doc, table, path, int(page))
            if key not in cache:
                self.rendered += 1
                cache[key] = render()
            uri = cache[key]
            if uri:
                images[table.anchor] = uri
        return images


def _picture(
    doc: DocumentView, table: TableView, path: Path, page: int
) -> tuple[tuple[str, int, str, str], Callable[[], str | None]]:
    """Which picture a table gets (its cache key) and how to render it."""
    flagged = _first_boxed(table)
    if doc.row.format == "image":  # a scan: the whole page
        return (str(path), page, "", "image"), lambda: render_image_page(path, page)
    if flagged is not None and flagged.row.bbox and flagged.row.page is not None:
        box, at = flagged.row.bbox, flagged.row.page
        return (str(path), at, str(box), "box"), lambda: render_box(path, at, box)
    needles = [table.row.project_name or "", table.row.title or ""]
    return (str(path), page, needles[0], needles[1]), lambda: render_page(path, page, needles)


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
