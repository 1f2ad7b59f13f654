"""What province folders cost: `python -m bench.partitions --baseline DIR [--documents 2000]`.

Generates `--documents` reports (bench/corpus.py, TXT and HTML) whose units name
`--provinces` provinces (up to eight) in turn and, one in `--provinces` + 1, no place. Then,
alternating `--repeat` times, ingests them into a fresh dataset with this tree and with
`--baseline` (a checkout of an earlier ziping, e.g. `git worktree add /tmp/base main`), each
a `ziping ingest --workers 1` child process run from its tree, and times `ziping query
"SELECT count(*) FROM indicators"` on the result. Prints per tree the Parquet files of the
tables, the batches committed, and the fastest CPU seconds (the child's user + system: the
machine's other load cannot inflate them), then the ratios of this tree to the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import corpus

ROOT = Path(__file__).resolve().parent.parent
UNITS = (  # one unit per province, and one naming no place
    "广州市文化和旅游局",
    "湖北省武汉市江岸区教育局",
    "成都市青羊区卫生健康局",
    "长沙县农业农村局",
    "黔东南州凯里市财政局",
    "杭州市西湖区农业农村局",
    "甘肃省张掖市临泽县财政局",
    "南京市玄武区教育局",
    "某县农业农村局",
)
TABLES = ("documents", "eval_tables", "indicators", "findings", "claims")
CLI = "from pipeline.cli import main; main()"


def placed_corpus(folder: Path, documents: int, provinces: int, seed: int = 11) -> None:
    """`documents` generated reports, each given in turn the unit of one of the first
    `provinces` provinces or the unit naming no place."""
    folder.mkdir(parents=True)
    units = [*UNITS[:provinces], UNITS[-1]]
    for i in range(documents):
        fmt = ("txt", "html")[i % 2]
        name, data, _ = corpus.document(i, seed, fmt)
        text = data.decode("utf-8")
        printed = next(org for org in corpus.ORGS if org in text)
        (folder / name).write_text(text.replace(printed, units[i % len(units)]), "utf-8")


def cpu_of(cmd: list[str], tree: Path) -> float:
    """CPU seconds of `cmd` run from `tree` (its packages first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, capture_output=True, cwd=tree, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def measure(tree: Path, source: Path, out: Path) -> tuple[float, float, int, int]:
    """(ingest CPU s, query CPU s, Parquet files of the tables, batches) for one tree."""
    shutil.rmtree(out, ignore_errors=True)
    ingest = [sys.executable, "-c", CLI, "ingest", str(source), "--out", str(out)]
    ingest_cpu = cpu_of([*ingest, "--workers", "1", "--quiet"], tree)
    count = "SELECT count(*) FROM indicators"
    query_cpu = cpu_of([sys.executable, "-c", CLI, "query", count, "--data", str(out)], tree)
    files = sum(1 for t in TABLES if (out / t).is_dir() for _ in (out / t).rglob("part-*.parquet"))
    manifest = json.loads((out / "_ziping" / "manifest.json").read_text("utf-8"))
    return ingest_cpu, query_cpu, files, int(manifest["generation"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="an earlier ziping's tree")
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--provinces", type=int, default=len(UNITS) - 1, help="at most 8")
    parser.add_argument("--repeat", type=int, default=2, help="runs per tree, fastest kept")
    args = parser.parse_args()
    trees = {"baseline": args.baseline.resolve(), "this": ROOT}
    with tempfile.TemporaryDirectory(prefix="ziping-partitions-") as scratch:
        source = Path(scratch) / "in"
        placed_corpus(source, args.documents, args.provinces)
        best: dict[str, tuple[float, float, int, int]] = {}
        for _ in range(args.repeat):
            for name, tree in trees.items():
                got = measure(tree, source, Path(scratch) / name)
                old = best.get(name, got)
                best[name] = (min(old[0], got[0]), min(old[1], got[1]), got[2], got[3])
    print(
        f"{args.documents} documents, {args.provinces} provinces + no place; load average "
        f"{os.getloadavg()[0]:.1f}; fastest of {args.repeat}"
    )
    for name, (ingest_cpu, query_cpu, files, batches) in best.items():
        print(
            f"  {name:<9} ingest {ingest_cpu:6.2f} s CPU  query {query_cpu:5.2f} s CPU  "
            f"{files:5d} files  {batches} batches"
        )
    (bi, bq, bf, _), (ti, tq, tf, _) = best["baseline"], best["this"]
    print(f"  ratio     ingest {ti / bi:.3f}x  query {tq / bq:.3f}x  files {tf / bf:.1f}x")


if __name__ == "__main__":
    main()
