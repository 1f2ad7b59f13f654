"""Scanned reports: rows read by OCR against the text-layer PDF, seconds per page, peak RSS.

The fixtures (`tests/fixtures/scans/`, built by `tests/fixtures/make/make_scans.py`) are
renderings of `scans-text.pdf` (families A, B, C), so that PDF's rows and findings are the
truth, and `fam-<family>.pdf` renderings of `fam-<family>-text.pdf` (the other families). Every scan
goes through the whole per-document pipeline (`process_file`, OCR on auto) in this process,
pinned to one core; time is CPU seconds (a shared machine's load is not ours), peak RSS is
the process's. A row is exact when level labels, raw target and actual, weight and printed
score all equal the text PDF's (compared as NFKC folds them: a bracket or `=` read
full-width or small-form is the same text to an auditor); a wrong row is flagged when one
of its cells was read with less than `LOW` confidence (what an auditor is told to check).

Run: `.venv/bin/python bench/ocr_bench.py [--json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.limits import Limits  # noqa: E402
from pipeline.batch.document import DocResult, process_file  # noqa: E402
from schemas.profile import load_profile  # noqa: E402

SCANS = ROOT / "tests" / "fixtures" / "scans"
LOW = 0.9  # below this a row's confidence marks it for checking
TRUTH = "scans-text.pdf"
# scan -> (pages, tables of scans-text.pdf it shows, 1-based in reading order)
FIXTURES: dict[str, tuple[int, tuple[int, ...]]] = {
    "a-150.png": (1, (1,)),
    "a-300.png": (1, (1,)),
    "a-150.jpg": (1, (1,)),
    "b-pages.tif": (2, (2,)),
    "b-skew-stamp.pdf": (2, (2,)),
    "c-150.png": (1, (3,)),
    "image-only.pdf": (4, (1, 2, 3)),
}
# family scan -> its pages; its truth is fam-<family>-text.pdf, every table of it
FAMILIES: dict[str, int] = {
    "fam-split_target.pdf": 1,
    "fam-weighted_conversion.pdf": 1,
    "fam-targets_only.pdf": 1,
    "fam-no_weight.pdf": 1,
    "fam-coefficient.pdf": 1,
    "fam-rubric.pdf": 1,
}
ROW_FIELDS = ("level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score_stated")
_NOT_TABLE = {"OCR_PAGE", "TEXT_LAYER_UNREADABLE", "CLAIM_MISMATCH"}


def row_key(row: object) -> tuple[object, ...]:
    return tuple(_folded(getattr(row, f)) for f in ROW_FIELDS)


def _folded(value: object) -> object:
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def row_keys(result: DocResult, tables: tuple[int, ...]) -> list[list[tuple[object, ...]]]:
    ids = [result.tables[k - 1].table_id for k in tables if k <= len(result.tables)]
    return [[row_key(r) for r in result.indicators if r.table_id == t] for t in ids]


def finding_keys(result: DocResult) -> Counter[tuple[object, ...]]:
    return Counter(
        (f.code, _folded(f.stated), _folded(f.recomputed))
        for f in result.findings
        if f.code not in _NOT_TABLE
    )


def compare(truth: DocResult, scan: DocResult, tables: tuple[int, ...]) -> dict[str, object]:
    """Rows exact / wrong / wrong without a low confidence, and whether findings agree."""
    want = [r for t in row_keys(truth, tables) for r in t]
    got_rows = list(scan.indicators)
    got = [row_key(r) for r in got_rows]
    exact = sum(1 for g in got if g in want)
    wrong = [r for r, g in zip(got_rows, got, strict=True) if g not in want]
    unflagged = [r for r in wrong if r.parse_confidence >= LOW]
    truth_ids = {truth.tables[k - 1].table_id for k in tables}
    truth_findings = Counter(
        (f.code, _folded(f.stated), _folded(f.recomputed))
        for f in truth.findings
        if f.table_id in truth_ids and f.code not in _NOT_TABLE
    )
    return {
        "rows": len(want),
        "exact": exact,
        "wrong": len(wrong),
        "wrong_unflagged": len(unflagged),
        "findings_same": truth_findings == finding_keys(scan),
        "examples": [row_key(r) for r in wrong[:3]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    profile = load_profile("central")
    runs = [(name, TRUTH, n, tables) for name, (n, tables) in FIXTURES.items()]
    for name, n in FAMILIES.items():
        text = name.replace(".pdf", "-text.pdf")
        every = tuple(range(1, len(process_file(SCANS / text, profile).tables) + 1))
        runs.append((name, text, n, every))
    report: dict[str, dict[str, object]] = {}
    pages = cpu = 0.0
    for name, text, n_pages, tables in runs:
        truth = process_file(SCANS / text, profile)
        start = time.process_time()
        scan = process_file(SCANS / name, profile, Limits(ocr="auto"))
        spent = time.process_time() - start
        pages, cpu = pages + n_pages, cpu + spent
        report[name] = {"s_per_page": round(spent / n_pages, 2), **compare(truth, scan, tables)}
    rows = sum(int(str(r["rows"])) for r in report.values())
    exact = sum(int(str(r["exact"])) for r in report.values())
    summary = {
        "pages": pages,
        "s_per_page": round(cpu / pages, 2),
        "rows": rows,
        "exact": exact,
        "exact_share": round(exact / rows, 3) if rows else 0.0,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if args.json:
        print(json.dumps({"fixtures": report, "summary": summary}, ensure_ascii=False, indent=1))
        return
    for name, r in report.items():
        print(
            f"{name:28} {r['s_per_page']:>5} s/page  rows {r['exact']}/{r['rows']} exact, "
            f"{r['wrong']} wrong ({r['wrong_unflagged']} not flagged)  "
            f"findings same: {r['findings_same']}  {r['examples'] or ''}"
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
