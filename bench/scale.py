"""How ingest scales, in one run: `python -m bench.scale [--big 10000] [--skip-fuzz]`.

Prints, with the target beside each figure:
- documents/s at 1 and 2 local workers on a TXT+HTML corpus, and their ratio (>= 1.8);
- documents/s per format at 1 worker, i.e. per core (>= 50 for TXT and DOCX);
- peak RSS of an ingest of 100 and of `--big` documents, each in a child process of its own
  (ratio <= 1.2: memory must stay flat with the batch size);
- recall of the discrepancies bench/corpus.py planted (100%);
- the crash-free counts of the hypothesis fuzz tests run at 10,000 examples;
- the claims scan on one line of numbers, 50 / 200 / 800 KB: CPU seconds and their ratios
  (linear: 4x the length, 4x the time);
- peak RSS of a no-op re-run and of `report` over 1,000 and 50,000 tiny reports and the
  ratio (<= 1.2: memory must not grow with the folder; `--rerun-only`, `--rerun-sizes`);
- seconds per file of the seed report in each published form (.doc/.wps through LibreOffice,
  .xls/.et, OFD, archives) beside DOCX, and the peak RSS of one ingest of them all
  (`--published-only` prints just these).

Throughput is timed around `ingest()` in this process (interpreter start-up excluded); a
first, untimed run warms the caches every later run relies on (jieba, the lexicons).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import corpus, rerun
from pipeline.batch.document import process_file
from pipeline.batch.ingest import BatchOptions, ingest
from pipeline.batch.walk import discover
from pipeline.dataset import load
from schemas.profile import load_profile
from schemas.tables import DocumentRow, EvalTableRow, FindingRow

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ziping-bench-") as folder:
        yield Path(folder)


def throughput(folder: Path, workers: int, work: Path, repeat: int = 3) -> tuple[float, float]:
    """(documents/s, CPU ms/document) ingesting `folder` into a fresh dataset with `workers`:
    the best of `repeat` runs, since other processes on the machine only ever slow a run
    down. CPU time counts this process and its pool workers."""
    files = discover([folder])
    best, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        out = work / f"out-{workers}-{time.monotonic_ns()}"
        before = os.times()
        started = time.perf_counter()
        ingest(files, out, load_profile("central"), options=BatchOptions(workers=workers))
        best = min(best, time.perf_counter() - started)
        after = os.times()
        used = sum(getattr(after, f) - getattr(before, f) for f in _CPU_FIELDS)
        cpu = min(cpu, used)
    return len(files) / best, 1000 * cpu / len(files)


_CPU_FIELDS = ("user", "system", "children_user", "children_system")


def recall(folder: Path, out: Path) -> tuple[int, int, list[dict[str, object]]]:
    """(found, planted, misses): a plant is found when its document's table has its code."""
    expected = json.loads((folder.parent / f"{folder.name}.expected.json").read_text("utf-8"))
    docs = {Path(d.path).name: d.doc_id for d in load.read_table(out, DocumentRow)}
    seq = {t.table_id: t.seq for t in load.read_table(out, EvalTableRow)}
    raised: set[tuple[str, int | None, str]] = set()
    for finding in load.read_table(out, FindingRow):
        table = seq.get(finding.table_id) if finding.table_id else None
        raised.add((finding.doc_id, table, finding.code))
    misses = [
        plant
        for plant in expected
        if (docs.get(plant["file"]), plant["table"], plant["code"]) not in raised
    ]
    return len(expected) - len(misses), len(expected), misses


def peak_rss_mib(folder: Path, work: Path) -> float:
    """Peak RSS of a serial `ziping ingest` of `folder`, run as a child process."""
    out = work / f"rss-{time.monotonic_ns()}"
    command = [sys.executable, "-c", "from pipeline.cli import main; main()", "ingest"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [*command, str(folder), "--out", str(out), "--workers", "1", "--quiet"], check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if after <= before:  # ru_maxrss of children is a running maximum: not above the last one
        return before / 1024
    return after / 1024


# The seed report in every published form (tests/fixtures/formats): .doc/.wps go through
# LibreOffice, so their figure includes starting it once per document.
PUBLISHED = (
    "seed004.docx", "seed004.doc", "seed004.wps", "seed004-html.doc", "seed004.xlsx",
    "seed004.xls", "seed004.et", "seed004.pdf", "seed004.ofd", "seed004-folder.zip",
    "seed004-folder.7z",
)  # fmt: skip


def published_formats(work: Path, repeat: int = 3) -> None:
    """Seconds per file for each published form of the seed report (serial, conversion and
    unpacking included, best of `repeat`), beside DOCX; then the peak RSS of one ingest of
    them all (LibreOffice counted: the largest process of the run's tree)."""
    profile = load_profile("central")
    folder = work / "published"
    folder.mkdir()
    timings: dict[str, float] = {}
    for name in PUBLISHED:
        source = ROOT / "tests" / "fixtures" / "formats" / name
        (folder / name).write_bytes(source.read_bytes())
        members = discover([source])
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            for member in members:
                process_file(member, profile)
            best = min(best, time.perf_counter() - started)
        timings[name] = best
    for name, seconds in timings.items():
        ratio = seconds / timings["seed004.docx"]
        print(f"published {name:>20}: {seconds:6.2f} s/file  {ratio:6.1f} x DOCX")
    print(f"published: peak RSS of one ingest of them all {peak_rss_mib(folder, work):.0f} MiB")


def rerun_and_report(sizes: list[int], work: Path) -> None:
    """Peak RSS of a no-op re-run and of `report` at each folder size (bench/rerun.py: tiny
    text reports, each command a child process of its own with one worker), and the ratio of
    the largest to the smallest (target <= 1.2: memory must not grow with the folder)."""
    results = {}
    for n in sizes:
        results[n] = rerun.measure(n, work, workers=2)
        first, noop, report = (results[n][k] for k in ("first", "noop", "report"))
        print(
            f"{n:>6} docs: no-op re-run {noop[2]:.0f} MiB ({noop[0]:.1f} s CPU = "
            f"{100 * noop[0] / first[0]:.1f} % of the first ingest), report {report[2]:.0f} MiB "
            f"({report[1]:.0f} s)",
            flush=True,
        )
    small, big = results[sizes[0]], results[sizes[-1]]
    for key, what in (("noop", "no-op re-run"), ("report", "report")):
        ratio = big[key][2] / small[key][2]
        print(f"{what} peak RSS {sizes[-1]:,} / {sizes[0]:,} docs: {ratio:.2f} (target <= 1.2)")


def claims_lines(lengths: list[int]) -> None:
    """CPU seconds of reading a report whose prose is one line of numbers, against the line's
    length, and each size's ratio to the first (linear: the ratio of the lengths)."""
    times = [rerun.claims_time(n) for n in lengths]
    for n, seconds in zip(lengths, times, strict=True):
        print(
            f"claims: one line of {n // 1000:,} KB: {seconds:6.2f} s CPU, "
            f"{seconds / times[0]:5.1f}x the {lengths[0] // 1000} KB line's for "
            f"{n / lengths[0]:.0f}x the length (linear)",
            flush=True,
        )


def fuzz() -> str:
    env = {**os.environ, "ZIPING_FUZZ_EXAMPLES": "10000", "ZIPING_FUZZ_FILES": "300"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-k", "fuzz", "tests/e2e/test_hostile.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("fuzz:")]
    tail = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else ["no output"]
    return "\n".join([*lines, f"pytest: {tail[0]}"])


def everything(docs: int, big_docs: int, lines: list[int], sizes: list[int]) -> None:
    """Every figure of the module docstring but the fuzz counts."""
    with _scratch() as work:
        published_formats(work)
        mixed = work / "mixed"
        corpus.generate(docs, mixed, seed=1, formats=("txt", "html"))
        throughput(mixed, 1, work, repeat=1)  # warm-up, untimed
        one, cpu_one = throughput(mixed, 1, work)
        two, cpu_two = throughput(mixed, 2, work)
        print(f"workers  1: {one:7.1f} docs/s   {cpu_one:5.1f} CPU ms/doc")
        print(f"workers  2: {two:7.1f} docs/s   {cpu_two:5.1f} CPU ms/doc")
        print(f"ratio 2/1: {two / one:.2f} measured (target >= 1.8)")
        print(
            f"ratio 2/1 on two idle cores, from CPU per document: {2 * cpu_one / cpu_two:.2f} "
            "(the pool's overhead only)"
        )

        for fmt in corpus.FORMATS:
            folder = work / f"only-{fmt}"
            corpus.generate(docs // 2, folder, seed=2, formats=(fmt,))
            rate, _ = throughput(folder, 1, work, repeat=2)
            target = " (target >= 50)" if fmt in {"txt", "docx"} else ""
            print(f"format {fmt:>4}: {rate:7.1f} docs/s/core{target}")

        every = work / "every"
        corpus.generate(docs, every, seed=5, formats=corpus.FORMATS)
        out = work / "recall-out"
        ingest(discover([every]), out, load_profile("central"), options=BatchOptions(workers=2))
        found, planted, misses = recall(every, out)
        print(
            f"planted-discrepancy recall: {found}/{planted} = {found / planted:.1%} (target 100%)"
        )
        for miss in misses[:10]:
            print(f"  missed: {miss}")

        small, big = work / "rss-small", work / "rss-big"
        corpus.generate(100, small, seed=9, formats=("txt", "html", "docx", "xlsx"))
        corpus.generate(big_docs, big, seed=9, formats=("txt", "html", "docx", "xlsx"))
        rss_small = peak_rss_mib(small, work)
        rss_big = peak_rss_mib(big, work)
        print(
            f"peak RSS: 100 docs {rss_small:.0f} MiB, {big_docs} docs {rss_big:.0f} MiB, "
            f"ratio {rss_big / rss_small:.2f} (target <= 1.2)"
        )
        claims_lines(lines)
        rerun_and_report(sizes, work)


def main() -> None:
    parser = argparse.ArgumentParser(description="ziping ingest scaling benchmark")
    parser.add_argument("--docs", type=int, default=400, help="corpus size for throughput")
    parser.add_argument("--big", type=int, default=10_000, help="documents for the RSS run")
    parser.add_argument("--skip-fuzz", action="store_true")
    parser.add_argument(
        "--published-only", action="store_true", help="only the published-formats figures"
    )
    parser.add_argument(
        "--rerun-sizes", default="1000,50000",
        help="folder sizes for the no-op re-run and report RSS (comma-separated)",
    )  # fmt: skip
    parser.add_argument("--lines", default="50000,200000,800000", help="claims line lengths")
    parser.add_argument("--rerun-only", action="store_true", help="only the re-run/report RSS")
    parser.add_argument("--claims-only", action="store_true", help="only the long-line claims")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (others running skew the figures)")
    lines = [int(n) for n in args.lines.split(",")]
    sizes = [int(n) for n in args.rerun_sizes.split(",")]
    if args.published_only:
        with _scratch() as work:
            published_formats(work)
        return
    if args.claims_only:
        claims_lines(lines)
        return
    if args.rerun_only:
        with _scratch() as work:
            rerun_and_report(sizes, work)
        return
    everything(args.docs, args.big, lines, sizes)
    if not args.skip_fuzz:
        print(fuzz())


if __name__ == "__main__":
    main()
