"""`ziping report`: the diff between printed and recomputed, for people to read and work in.

`report_model.build` computes what is wrong and where (the diff); this module only asks each
writer to render it and writes the files atomically (temp file + rename), so a report folder
never holds a half-written file:

- diff.html   the index: summary, coverage, roll-ups by unit / year / region, the findings
              list (paged, searchable, sortable by |差异|), linked to…
- docs/dN.html  one page per document: its tables as printed, page pictures, claims, linked
              back to the index filtered on that document
- diff.md     the same content as Markdown
- findings.csv  one row per finding, UTF-8 with BOM for Excel
- diff.xlsx   sheets 汇总 / 问题清单 / 指标明细 / 自评表
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePath

from pipeline.dataset import store
from pipeline.report import html as report_html
from pipeline.report import model as report_model
from pipeline.report import pages as report_pages
from pipeline.report import text as report_text
from pipeline.report import xlsx as report_xlsx
from schemas.errors import ZipingError

FILES = ("diff.html", "diff.md", "findings.csv", "diff.xlsx")
DOCS = "docs"  # one page per document


def _atomic_write(target: Path, write: Callable[[Path], object]) -> None:
    """Write through a temp file in the same folder, then rename over `target`."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        mask = os.umask(0)
        os.umask(mask)
        tmp.chmod(0o666 & ~mask)  # mkstemp makes 0600; a report is for sharing
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def write_report(data: Path, out: Path) -> dict[str, Path]:
    """Render the dataset at `data` into `out`; returns {file name: path written}."""
    if not (data / "documents").is_dir() and not store.manifest_path(data).exists():
        raise ZipingError(
            f"{data} holds no dataset (no documents/ folder); "
            "run `ziping ingest PATH --out DIR` first and pass that DIR as --data"
        )
    out.mkdir(parents=True, exist_ok=True)
    report = report_model.build(data)
    _write_document_pages(report, out / DOCS)
    writers: dict[str, Callable[[Path], object]] = {
        "diff.html": lambda p: p.write_text(report_html.render(report), encoding="utf-8"),
        "diff.md": lambda p: p.write_text(report_text.render_markdown(report), encoding="utf-8"),
        # utf-8-sig writes the BOM Excel needs to read the file as UTF-8
        "findings.csv": lambda p: p.write_text(
            report_text.render_csv(report), encoding="utf-8-sig", newline=""
        ),
        "diff.xlsx": lambda p: report_xlsx.write(report, p),
    }
    written: dict[str, Path] = {}
    for name in FILES:
        _atomic_write(out / name, writers[name])
        written[name] = out / name
    return written


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _write_document_pages(report: report_model.Report, folder: Path) -> None:
    """docs/dN.html for every document; pages of documents no longer in the dataset go."""
    folder.mkdir(exist_ok=True)
    images = report_pages.page_images(report)
    keep = set()
    for doc in report.documents:
        target = folder / PurePath(doc.page).name
        keep.add(target.name)
        html = report_html.render_document(doc, images)
        _atomic_write(target, functools.partial(_write_text, text=html))
    for stale in folder.glob("d*.html"):
        if stale.name not in keep:
            stale.unlink()
