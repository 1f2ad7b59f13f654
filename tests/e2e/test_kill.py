"""SIGKILL an ingest at random moments; the re-run must give exactly the clean dataset.

The moments are picked by progress (kill when the k-th document is complete, k random), by
time (during start-up, before any document), and during a --force re-run that overwrites
complete documents. Only the parent is killed: its pool workers must die with it (they ask the
kernel to, see pipeline/executors.py) and must not leave a second writer behind. The seed is
printed on failure; ZIPING_KILL_SEED=N replays one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import corpus
from pipeline.batch.ingest import BatchOptions, ingest
from pipeline.dataset import load, store
from pipeline.dataset.writer import read_index
from schemas.profile import Profile
from schemas.tables import RunRow
from tests.scale_helpers import leftovers, snapshot

N_DOCS = 200
CLI = "from pipeline.cli import main; main()"


def _start(folder: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", CLI, "ingest", str(folder), "--out", str(out)]
    return subprocess.Popen(
        [*command, "--workers", "2", "--wait", "60", "--quiet", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _complete(out: Path) -> int:
    """Documents committed so far (the index the current manifest names)."""
    try:
        return int(read_index(out, store.read_manifest(out)).num_rows)
    except (OSError, ValueError):  # between a commit's rename and our read: ask again
        return 0


def _kill_after_documents(process: subprocess.Popen[bytes], out: Path, count: int) -> None:
    """SIGKILL when `count` documents are complete (or the run ends first)."""
    while process.poll() is None and _complete(out) < count:
        time.sleep(0.02)
    _kill(process)


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(30)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kill") / "docs"
    corpus.generate(N_DOCS, folder, seed=3, formats=("txt", "html", "docx", "xlsx"))
    return folder


def test_killed_runs_resume_to_the_clean_dataset(
    docs: Path, tmp_path: Path, central: Profile
) -> None:
    seed = int(os.environ.get("ZIPING_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    files = sorted(docs.iterdir())
    clean_out = tmp_path / "clean"
    ingest(files, clean_out, central, options=BatchOptions(workers=2))
    clean = snapshot(clean_out)
    assert len(clean["documents"]) == N_DOCS

    out = tmp_path / "killed"
    first, second = sorted(rng.sample(range(1, N_DOCS - 10), 2))
    moments = [f"after {first} documents", f"after {second} documents"]
    for count in (first, second):
        _kill_after_documents(_start(docs, out), out, count)
    delay = rng.uniform(0.05, 0.6)
    moments.append(f"{delay:.2f} s into a run")
    process = _start(docs, out)
    time.sleep(delay)
    _kill(process)

    finished = _start(docs, out)
    assert finished.wait(120) == 0, finished.stderr.read() if finished.stderr else ""
    note = f"seed {seed}, killed {', '.join(moments)}"
    assert not leftovers(out), note
    assert snapshot(out) == clean, note
    runs = load.read_table(out, RunRow)
    # killed runs show it; a kill may land before the run was recorded (a batch commits many
    # documents at once, so the second kill can come as soon as the run starts)
    unfinished = sum(r.finished_at is None for r in runs)
    assert unfinished in (1, 2, 3), note

    delay = rng.uniform(0.5, 2.5)
    process = _start(docs, out, "--force")  # overwriting complete documents
    time.sleep(delay)
    _kill(process)
    finished = _start(docs, out)
    assert finished.wait(120) == 0
    assert not leftovers(out), f"{note}, --force killed after {delay:.2f} s"
    assert snapshot(out) == clean, f"{note}, --force killed after {delay:.2f} s"
