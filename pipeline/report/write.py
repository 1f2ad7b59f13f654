"""`ziping report`: the diff between printed and recomputed, for people to read and work in.

`report_model.build` computes what is wrong and where (the diff); this module only asks each
writer to render it and writes the files atomically (temp file + rename), so a report folder
never holds a half-written file:

- diff.html   self-contained page: summary, charts, filterable findings, tables as printed
- diff.md     the same content as Markdown
- findings.csv  one row per finding, UTF-8 with BOM for Excel
- diff.xlsx   sheets 汇总 / 问题清单 / 指标明细 / 自评表
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from pipeline.report import html as report_html
from pipeline.report import model as report_model
from pipeline.report import pages as report_pages
from pipeline.report import text as report_text
from pipeline.report import xlsx as report_xlsx
from schemas.errors import ZipingError

FILES = ("diff.html", "diff.md", "findings.csv", "diff.xlsx")


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
    if not (data / "documents").is_dir():
        raise ZipingError(
            f"{data} holds no dataset (no documents/ folder); "
            "run `ziping ingest PATH --out DIR` first and pass that DIR as --data"
        )
    out.mkdir(parents=True, exist_ok=True)
    report = report_model.build(data)
    html = report_html.render(report, report_pages.page_images(report))
    writers: dict[str, Callable[[Path], object]] = {
        "diff.html": lambda p: p.write_text(html, encoding="utf-8"),
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
