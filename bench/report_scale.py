"""How `ziping report` scales: `python -m bench.report_scale [--small 500] [--big 2000]`.

Generates two corpora (bench/corpus.py, TXT and HTML, plus the seeds and format fixtures),
ingests each, then runs `ziping report` on each in a child process of its own and prints:
- the size of the page a person opens first (diff.html), target ≤ 3 MB at 2,000 documents,
  and of the findings data it loads with it (data/findings-1.js);
- the size of the largest document page and the number of pages;
- the peak RSS of the `report` process at both sizes and their ratio (flat: ≤ 1.2);
- the wall time of each report.
`--keep DIR` keeps the corpora and datasets there and reuses them on the next run.

Measured (2 shared cores, 2026-11-30; 535 and 2,035 documents, page pictures included):
  before (main at 63cbed2): diff.html 0.66 / 1.80 MB (all findings inline), report peak RSS
      301 / 362 MiB, ratio 1.20
  after: diff.html 0.22 / 0.27 MB + first findings file 0.33 / 0.67 MB, report peak RSS
      262 / 262 MiB, ratio 1.00; at 2,035 / 5,035 documents (--small 2000 --big 5000):
      diff.html 0.27 / 0.37 MB, RSS 259 / 265 MiB, ratio 1.02
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.batch.ingest import BatchOptions, ingest
from pipeline.batch.walk import discover
from pipeline.dataset import load
from schemas.profile import load_profile
from tests.scale_helpers import mixed_corpus

ROOT = Path(__file__).resolve().parent.parent


def _report(data: Path, out: Path) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of `ziping report` in a child process: the child's own
    peak (wait4), not the largest of every child so far (ingest workers are children too)."""
    started = time.monotonic()
    command = [str(Path(sys.executable).parent / "ziping"), "report"]
    child = subprocess.Popen(
        [*command, "--data", str(data), "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return usage.ru_maxrss / 1024, time.monotonic() - started


def _dataset(documents: int, scratch: Path) -> tuple[Path, int]:
    """The ingested dataset of a corpus of `documents` generated reports (reused when kept)."""
    corpus = scratch / f"corpus-{documents}"
    data = scratch / f"data-{documents}"
    if not (data / "documents").is_dir():
        mixed_corpus(corpus, documents, ("txt", "html"))
        ingest(discover([corpus]), data, load_profile("central"), options=BatchOptions(workers=2))
    return data, load.read_arrow(data, "documents").num_rows


def measure(documents: int, scratch: Path) -> dict[str, float]:
    data, found = _dataset(documents, scratch)
    out = scratch / f"report-{documents}"
    rss, seconds = _report(data, out)
    pages = sorted((out / "docs").glob("*.html"))
    first_data = out / "data" / "findings-1.js"
    return {
        "documents": found,
        "first_page_mb": (out / "diff.html").stat().st_size / 1e6,
        "first_data_mb": first_data.stat().st_size / 1e6 if first_data.exists() else 0.0,
        "largest_document_page_kb": max(p.stat().st_size for p in pages) / 1e3,
        "document_pages": len(pages),
        "rss_mib": rss,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--big", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="keep corpora and datasets here, reuse them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ziping-report-bench-") as folder:
        scratch = args.keep or Path(folder)
        scratch.mkdir(parents=True, exist_ok=True)
        small = measure(args.small, scratch)
        big = measure(args.big, scratch)
    for figures in (small, big):
        print(
            f"{figures['documents']:>6.0f} documents: diff.html {figures['first_page_mb']:.2f} MB"
            f" + first findings file {figures['first_data_mb']:.2f} MB (target ≤ 3 MB), "
            f"{figures['document_pages']:.0f} document pages (largest "
            f"{figures['largest_document_page_kb']:.0f} kB), report peak RSS "
            f"{figures['rss_mib']:.0f} MiB, {figures['seconds']:.1f} s"
        )
    print(f"RSS ratio big / small: {big['rss_mib'] / small['rss_mib']:.2f} (flat: ≤ 1.2)")


if __name__ == "__main__":
    main()
