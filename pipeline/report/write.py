"""`ziping report`: the diff between printed and recomputed, for people to read and work in.

The dataset is read a few batches of documents at a time (`source`), each tied together by
`model.attach`; every document's page is written as soon as it is read, `summary.Summary`
adds up what the index says, and what must come out in another order (the findings list by
severity, diff.md and diff.xlsx in document order) waits in a `spool.Spool` on disk. So the
memory of `ziping report` is that of one batch, whatever the number of documents. Each file is
written atomically (temp file + rename), so a report folder never holds a half-written file:

- diff.html   the index: summary, coverage, roll-ups by unit / year / region, the findings
              list (paged, searchable, sortable by |差异|), linked to…
- data/findings-N.js  the findings list's rows, loaded by the index as it needs them
- docs/dN.html  one page per document: its tables as printed, page pictures, claims, linked
              back to the index filtered on that document
- documents.html  the list of documents, when too many to list in the index
- diff.md     the same content as Markdown
- findings.csv  one row per finding, UTF-8 with BOM for Excel
- diff.xlsx   sheets 汇总 / 问题清单 / 指标明细 / 自评表
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePath

from pipeline.dataset import load as dataset
from pipeline.dataset import store
from pipeline.report import html as report_html
from pipeline.report import model as report_model
from pipeline.report import source, workbook
from pipeline.report import text as report_text
from pipeline.report.pages import PageImages
from pipeline.report.spool import Spool
from pipeline.report.summary import Summary
from schemas.errors import ZipingError
from schemas.tables import RunRow

FILES = ("diff.html", "diff.md", "findings.csv", "diff.xlsx")
DOCS = "docs"  # one page per document
DATA = "data"  # the findings list's rows


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
    scratch = Path(tempfile.mkdtemp(prefix=".spool-", dir=out))
    try:
        spool = Spool(scratch)
        with store.pinned(data) as manifest:
            summary = _read(data, manifest, out, spool)
        return _write_files(summary, out, spool)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _read(data: Path, manifest: store.Manifest, out: Path, spool: Spool) -> Summary:
    """Read the dataset a unit at a time: write each document's page, add it up, spool the
    rest. Returns the summary of the whole dataset."""
    runs = dataset.read_table(data, RunRow)
    summary = Summary(
        data,
        last_run=max(runs, key=lambda r: r.started_at, default=None),
        has_claims="claims" in dataset.present(data),
    )
    work = source.plan(data, manifest)
    pages = _Pages(out / DOCS)
    for unit in source.units(data, manifest, work):
        batch = report_model.attach(unit, work)
        summary.coverage.merge(batch.coverage)
        for doc in batch.documents:
            pages.write(doc)
            summary.add_document(doc)
            summary.add_findings(doc.findings)
            number = work.number[doc.row.doc_id]
            targets = workbook.row_targets(doc, work.rows_before[doc.row.doc_id])
            for f in doc.findings:
                spool.put("findings", f.order, (f, workbook.finding_target(f, targets)))
            key = (number, "", 0, 0, "")
            spool.put("documents", key, report_html.DocumentEntry.of(doc))
            spool.put("markdown", key, report_text.document_markdown(doc))
            spool.put("indicators", key, workbook.indicator_rows(doc))
            spool.put("tables", key, workbook.table_rows(doc))
        summary.add_findings(batch.loose)
        for f in batch.loose:
            spool.put("findings", f.order, (f, ""))
        spool.end_run()
    pages.remove_stale()
    return summary


def _write_files(summary: Summary, out: Path, spool: Spool) -> dict[str, Path]:
    def findings() -> Iterator[report_model.FindingView]:
        return (f for f, _ in spool.read("findings"))

    chunks = report_html.write_findings_data(findings(), _fresh(out / DATA))
    big = summary.documents > report_html.INLINE_DOCUMENTS
    inline = () if big else spool.read("documents")
    writers: dict[str, Callable[[Path], object]] = {
        "diff.html": lambda p: p.write_text(
            report_html.render(summary, chunks, inline), encoding="utf-8"
        ),
        "diff.md": lambda p: _write_stream(
            p, "utf-8", report_text.write_markdown, summary, findings(), spool.read("markdown")
        ),
        # utf-8-sig writes the BOM Excel needs to read the file as UTF-8
        "findings.csv": lambda p: _write_stream(p, "utf-8-sig", report_text.write_csv, findings()),
        "diff.xlsx": lambda p: workbook.write(
            p, summary, spool.read("findings"), spool.read("indicators"), spool.read("tables")
        ),
    }
    written: dict[str, Path] = {}
    if big:
        pieces = report_html.render_documents(summary, spool.read("documents"))
        _atomic_write(out / "documents.html", functools.partial(_write_pieces, pieces=pieces))
    else:
        (out / "documents.html").unlink(missing_ok=True)
    for name in FILES:
        _atomic_write(out / name, writers[name])
        written[name] = out / name
    return written


def _fresh(folder: Path) -> Path:
    """`folder`, emptied of an earlier report's data files."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def _write_stream(path: Path, encoding: str, write: Callable[..., None], *args: object) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        write(handle, *args)


def _write_pieces(path: Path, pieces: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(pieces)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


class _Pages:
    """docs/dN.html, one document at a time; pages of documents no longer in the dataset go."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(exist_ok=True)
        self.folder = folder
        self.images = PageImages()
        self.pages = 0  # the documents are numbered 1… (d1.html…): every number is written

    def write(self, doc: report_model.DocumentView) -> None:
        target = self.folder / PurePath(doc.page).name
        self.pages = max(self.pages, int(target.stem.removeprefix("d")))
        html = report_html.render_document(doc, self.images.of(doc))
        _atomic_write(target, functools.partial(_write_text, text=html))

    def remove_stale(self) -> None:
        for stale in self.folder.glob("d*.html"):
            number = stale.stem.removeprefix("d")
            if not number.isdigit() or not 1 <= int(number) <= self.pages:
                stale.unlink()
