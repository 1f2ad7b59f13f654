"""What a re-run and a report cost as the folder grows.

`python -m bench.rerun [--sizes 1000,50000] [--work DIR]`.

For each size, on small synthetic text reports (one short prose report each, distinct bytes),
the whole `ziping` command in a child process with `--workers 1` (one process: its peak RSS
is the process tree's):
- first ingest: CPU seconds (user + system) and peak RSS;
- no-op re-run (nothing changed): CPU as a share of the first run (target <= 5 %) and RSS;
- `ziping report`: CPU and peak RSS;
then the RSS ratios between the largest and the smallest size (target <= 1.2), and the time
the claims scan takes on one long line of numbers against the line's length (linear?).

`--work DIR` keeps the folders and datasets in DIR and reuses them on the next run: a size
whose dataset is there already is not ingested a first time (its first-run figures are not
measured), so the 50,000-file dataset (12 min of CPU) is made once.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = "from pipeline.cli import main; main()"
REPORT = (
    "{year}年度部门整体支出绩效自评报告（第{i}号）\n"
    "一、基本情况\n本单位{year}年度预算{a}.{b}万元，实际支出{c}.{b}万元，执行率{r}%。\n"
    "二、绩效目标完成情况\n全年完成项目{i}个，满意度{s}%，自评得分{t}分，等级为优。\n"
)


def make_folder(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = REPORT.format(
            year=2020 + i % 5, i=i, a=100 + i % 900, b=i % 100, c=90 + i % 800, r=80 + i % 20,
            s=85 + i % 15, t=80 + i % 20,
        )  # fmt: skip
        sub = folder / f"d{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"r{i:06d}.txt").write_text(text, encoding="utf-8")


WRAP = (
    "import resource,subprocess,sys;"
    "done=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
    "sys.stderr.write(done.stderr);"
    "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(u.ru_utime+u.ru_stime,u.ru_maxrss);sys.exit(done.returncode)"
)


def run(*args: str) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak RSS MiB) of one CLI command, measured by a fresh
    wrapper process (its children's peak is this command's alone, not a running maximum)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", WRAP, sys.executable, "-c", CLI, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{args[0]} failed: {done.stderr[-2000:]}")
    cpu, maxrss = done.stdout.split()
    return float(cpu), wall, int(maxrss) / 1024


def measure(n: int, work: Path, workers: int = 1) -> dict[str, tuple[float, float, float]]:
    """The three commands on `n` reports; the first ingest with `workers` (the no-op re-run
    and the report, whose memory is measured, always in one process). A dataset kept from
    an earlier run is reused: its first ingest is not measured (NaN)."""
    folder, out = work / f"in{n}", work / f"out{n}"
    kept = (out / "_ziping").is_dir()
    if not kept:
        make_folder(folder, n)
    ingest = ("ingest", str(folder), "--out", str(out), "--quiet")
    nan = float("nan")
    return {
        "first": (nan, nan, nan) if kept else run(*ingest, "--workers", str(workers)),
        "noop": run(*ingest, "--workers", "1"),
        "report": run("report", "--data", str(out), "--out", str(work / f"report{n}")),
    }


def claims_time(length: int) -> float:
    """CPU seconds `process_file` takes on a report with one line of `length` characters of
    numbers (in a child, so each size starts alike; a short report is read first, untimed, so
    that loading jieba and the lexicons is not counted)."""
    code = (
        "import sys,time,pathlib,tempfile;"
        "from pipeline.batch.document import process_file;"
        "from schemas.profile import load_profile;"
        "folder=pathlib.Path(tempfile.mkdtemp());profile=load_profile('central');"
        "warm=folder/'warm.txt';warm.write_text('2023年预算10万元，其中：甲5万元，乙5万元。');"
        "process_file(warm, profile);"
        "p=folder/'long.txt';"
        "p.write_text('2023年绩效自评报告\\n' + "
        f"'、'.join(f'{{i}}.5万元' for i in range({length}//8)));"
        "t=time.process_time();process_file(p, profile);"
        "print(time.process_time()-t)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,50000")
    parser.add_argument("--lines", default="25000,50000,100000,200000")
    parser.add_argument("--work", type=Path, help="keep (and reuse) folders and datasets here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    with contextlib.ExitStack() as stack:
        scratch = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        scratch.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            results[n] = measure(n, scratch)
            first, noop, report = (results[n][k] for k in ("first", "noop", "report"))
            print(
                f"{n:>6} docs: first ingest {first[0]:.1f} s CPU ({n / first[1]:.0f} docs/s wall), "
                f"{first[2]:.0f} MiB; no-op re-run {noop[0]:.2f} s CPU = "
                f"{100 * noop[0] / first[0]:.1f} % of the first (target <= 5 %), "
                f"{noop[2]:.0f} MiB; report {report[0]:.1f} s CPU, {report[2]:.0f} MiB",
                flush=True,
            )
    small, big = results[sizes[0]], results[sizes[-1]]
    for key in ("noop", "report"):
        ratio = big[key][2] / small[key][2]
        print(f"{key} RSS {sizes[-1]} vs {sizes[0]} docs: {ratio:.2f}x (target <= 1.2)")
    for length in (int(x) for x in args.lines.split(",") if x):  # --lines "": none
        print(f"claims: one line of {length:,} chars: {claims_time(length):.2f} s CPU", flush=True)


if __name__ == "__main__":
    main()
