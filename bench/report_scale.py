"""How `ziping report` scales: `python -m bench.report_scale [--small 200] [--big 2000]`.

Generates two corpora (bench/corpus.py, TXT and HTML, plus the seeds and format fixtures),
ingests each, then runs `ziping report` on each in a child process of its own and prints:
- the size of the page a person opens first (diff.html), target ≤ 3 MB at 2,000 documents;
- the size of the largest document page and the number of pages;
- the peak RSS of the `report` process at both sizes and their ratio (flat: ≤ 1.2);
- the wall time of each report.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.batch.ingest import BatchOptions, ingest
from pipeline.batch.walk import discover
from schemas.profile import load_profile
from tests.scale_helpers import mixed_corpus

ROOT = Path(__file__).resolve().parent.parent


def _report(data: Path, out: Path) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of `ziping report` in a child process."""
    started = time.monotonic()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "ziping"),
            "report",
            "--data",
            str(data),
            "--out",
            str(out),
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - started
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, seconds


def measure(documents: int, scratch: Path) -> dict[str, float]:
    corpus = mixed_corpus(scratch / f"corpus-{documents}", documents, ("txt", "html"))
    data = scratch / f"data-{documents}"
    ingest(discover([corpus]), data, load_profile("central"), options=BatchOptions(workers=2))
    out = scratch / f"report-{documents}"
    rss, seconds = _report(data, out)
    pages = sorted((out / "docs").glob("*.html"))
    return {
        "documents": len(discover([corpus])),
        "first_page_mb": (out / "diff.html").stat().st_size / 1e6,
        "largest_document_page_kb": max(p.stat().st_size for p in pages) / 1e3,
        "document_pages": len(pages),
        "rss_mib": rss,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--big", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ziping-report-bench-") as folder:
        # RUSAGE_CHILDREN keeps the largest child so far: measure the small one first
        small = measure(args.small, Path(folder))
        big = measure(args.big, Path(folder))
    for figures in (small, big):
        print(
            f"{figures['documents']:>6.0f} documents: diff.html {figures['first_page_mb']:.2f} MB"
            f" (target ≤ 3 MB), {figures['document_pages']:.0f} document pages (largest "
            f"{figures['largest_document_page_kb']:.0f} kB), report peak RSS "
            f"{figures['rss_mib']:.0f} MiB, {figures['seconds']:.1f} s"
        )
    print(f"RSS ratio big / small: {big['rss_mib'] / small['rss_mib']:.2f} (flat: ≤ 1.2)")


if __name__ == "__main__":
    main()
