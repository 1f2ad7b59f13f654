"""The hostile corpus (tests/hostile_corpus.py) as one batch beside a good report.

Every hostile file is one row with a reason, the good file is read, the batch exits 0, the
whole process tree stays under 1 GB (sampled from /proc while it runs), and `report` succeeds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch.names import original_path
from pipeline.dataset import load
from tests import hostile_corpus

CLI = "from pipeline.cli import main; main()"
GB = 1 << 30


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants now (0 for any that ended)."""
    total, todo = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        try:
            proc = Path(f"/proc/{current}")
            total += int((proc / "statm").read_bytes().split()[1]) * page
            for task in (proc / "task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_bytes().split())
        except (OSError, ValueError):
            continue
    return total


def _run_measured(*args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the CLI, sampling the process tree's RSS every 20 ms; (result, peak bytes)."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.02)
    stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), peak


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and mkfifo")
def test_hostile_batch_is_rows_with_reasons_in_bounded_memory(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    expected = hostile_corpus.make(corpus)
    out = tmp_path / "out"
    ingest, peak = _run_measured(
        "ingest", str(corpus), "/dev/zero", "--out", str(out), "--workers", "2", "--quiet"
    )
    assert ingest.returncode == 0, ingest.stderr
    assert peak < GB, f"peak RSS of the process tree {peak / GB:.2f} GB"
    print(f"hostile batch: peak RSS of the process tree {peak / (1 << 20):.0f} MiB")
    documents = load.read_rows(out, "documents")
    by_name = {Path(os.fsencode(d["path"]).decode("utf-8", "replace")).name: d for d in documents}
    assert by_name["zero"]["status"] == "error"
    assert "not a regular file (a device)" in by_name["zero"]["error"]
    findings = load.read_rows(out, "findings")
    for name, defect in expected.items():
        stored = name if name.isprintable() else ""
        row = by_name.get(stored) or next(d for d in documents if "\\x" in d["path"])
        if defect == "good":
            assert row["status"] == "ok" and row["n_tables"] == 9, row
        elif defect == "GBK name":
            assert row["status"] == "ok" and row["path"].endswith(
                "\\xd7\\xd4\\xc6\\xc0\\xb1\\xa8\\xb8\\xe6.txt"
            )
            assert (
                original_path(row["path"]) == os.fsencode(corpus) + b"/" + hostile_corpus.GBK_NAME
            )
        elif defect == "read":
            assert row["status"] == "ok", row
        elif defect == "no_tables":
            assert row["status"] == "no_tables", row
        elif defect == "VALUE_OUT_OF_RANGE":
            assert row["status"] == "ok", row
            codes = {f["code"] for f in findings if f["doc_id"] == row["doc_id"]}
            assert defect in codes
        else:
            assert row["status"] == "error" and defect in row["error"], row
    assert len(documents) == len(expected) + 1  # /dev/zero
    report = subprocess.run(
        [sys.executable, "-c", CLI, "report", "--data", str(out), "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "r" / "diff.html").stat().st_size > 0
