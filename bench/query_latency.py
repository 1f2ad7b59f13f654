"""How long an auditor waits for a count: `python -m bench.query_latency [--documents 2000]`.

Generates a TXT+HTML corpus (bench/corpus.py, plus the seeds and format fixtures), ingests
it once, then times, each in a fresh process as a user meets it (start-up and imports
included), fastest of `--repeat`:

- query    `ziping query "SELECT count(*) FROM indicators" --data DIR`
- loader   `pipeline.dataset.load.load(DIR, "indicators")` and its len(), from `python -c`
- pandas   the README's `pd.read_parquet(DIR / "indicators")` and its len()
- import   `import pandas` alone: what any DataFrame costs before it reads a byte
- help     `ziping --help` (start-up and imports alone)
- python   `python -c pass` (the interpreter's own start-up: the floor)

Wall seconds are what the user waits; CPU seconds (the child's user + system) are what the
machine's load cannot inflate. Each is shown against the 1 s target and as a multiple of the
interpreter floor. `--data DIR` measures an existing dataset instead of building one.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.0  # seconds: a count on 2,000 documents answers in under a second
COUNT = "SELECT count(*) FROM indicators"
LOADER = (
    "import sys; from pathlib import Path; from pipeline.dataset import load; "
    "print(len(load.load(Path(sys.argv[1]), 'indicators')))"
)
README = "import sys, pandas as pd; print(len(pd.read_parquet(sys.argv[1] + '/indicators')))"


def _ziping() -> str:
    return str(Path(sys.executable).with_name("ziping"))


def commands(data: Path) -> dict[str, list[str]]:
    return {
        "query": [_ziping(), "query", COUNT, "--data", str(data), "--format", "csv"],
        "loader": [sys.executable, "-c", LOADER, str(data)],
        "pandas": [sys.executable, "-c", README, str(data)],
        "import": [sys.executable, "-c", "import pandas"],
        "help": [_ziping(), "--help"],
        "python": [sys.executable, "-c", "pass"],
    }


def timed(cmd: list[str], repeat: int) -> tuple[float, float, str]:
    """(wall s, CPU s, last output line) of `cmd`, the fastest of `repeat` runs."""
    best_wall = best_cpu = float("inf")
    out = ""
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
        out = (done.stdout.strip().splitlines() or [""])[-1]
    return best_wall, best_cpu, out


def build(documents: int, scratch: Path) -> Path:
    from pipeline.batch.ingest import BatchOptions, ingest  # noqa: PLC0415
    from pipeline.batch.walk import discover  # noqa: PLC0415
    from schemas.profile import load_profile  # noqa: PLC0415
    from tests.scale_helpers import mixed_corpus  # noqa: PLC0415

    corpus = mixed_corpus(scratch / "corpus", documents, ("txt", "html"))
    data = scratch / "data"
    options = BatchOptions(workers=min(2, os.cpu_count() or 1))
    ingest(discover([corpus]), data, load_profile("central"), options=options)
    return data


def report(data: Path, repeat: int) -> None:
    parts = sum(1 for _ in data.rglob("*.parquet"))
    print(f"dataset {data}: {parts} Parquet files; fastest of {repeat}")
    figures = {name: timed(cmd, repeat) for name, cmd in commands(data).items()}
    floor = figures["python"][0]
    print(f"  {'what':<8} {'wall s':>7} {'CPU s':>7} {'/target':>8} {'/python':>8}  answer")
    for name, (wall, cpu, out) in figures.items():
        print(
            f"  {name:<8} {wall:>7.2f} {cpu:>7.2f} {wall / TARGET:>7.2f}x {wall / floor:>7.1f}x"
            f"  {out[:40]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000, help="generated documents")
    parser.add_argument("--data", type=Path, help="measure this dataset instead")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure, fastest kept")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    if args.data:
        report(args.data, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="ziping-query-bench-") as folder:
        report(build(args.documents, Path(folder)), args.repeat)


if __name__ == "__main__":
    main()
