"""SIGKILL an ingest at random moments; the re-run must give exactly the clean dataset.

The moments are picked by progress (kill when the k-th document is complete, k random), by
time (during start-up, before any document), and during a --force re-run that overwrites
complete documents; then during a profile switch (each document stays whole in one profile),
a report (the earlier report stays whole) and a --prune run over changed and deleted files.
Only the parent is killed: its pool workers must die with it (they ask the kernel to, see
pipeline/executors.py) and must not leave a second writer behind. The seed is printed on
failure; ZIPING_KILL_SEED=N replays one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench import corpus
from pipeline.batch.ingest import BatchOptions, ingest
from pipeline.dataset import load, store
from pipeline.dataset.index import read_index
from schemas.profile import Profile, load_profile
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


def _by_doc(snap: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, list[Any]]]:
    """A snapshot's rows grouped by document, then by table."""
    docs: dict[str, dict[str, list[Any]]] = {}
    for table, rows in snap.items():
        for row in rows:
            docs.setdefault(row["doc_id"], {}).setdefault(table, []).append(row)
    return docs


def _run_cli(*args: str) -> None:
    done = subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()


def _kill_once_started(
    rng: random.Random, started: Callable[[], bool], *args: str, latest: float = 1.5
) -> float:
    """Start a `ziping` command, wait until `started()` says its work began (start-up is slow
    and not what is tested), SIGKILL it a random moment up to `latest` s later; that moment."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while process.poll() is None and not started():
        time.sleep(0.01)
    delay = rng.uniform(0.0, latest)
    time.sleep(delay)
    _kill(process)
    return delay


def _run_began(out: Path) -> Callable[[], bool]:
    """True once a new ingest run is recorded in `out` (it holds the lock and has begun)."""
    runs = len(store.runs_files(out))
    return lambda: len(store.runs_files(out)) > runs


def _switched(out: Path) -> Callable[[], bool]:
    """True once a commit holds a document under the provincial profile."""

    def some() -> bool:
        try:
            index = read_index(out, store.read_manifest(out))
        except (OSError, ValueError):  # between a commit's rename and our read: ask again
            return False
        return "provincial" in index.column("profile").to_pylist()

    return some


def test_killed_profile_switch_report_and_prune_resume_to_the_clean_state(
    tmp_path: Path, central: Profile
) -> None:
    """A profile switch (`--profile provincial --force`), a report, and a run over changed and
    deleted files (`--prune`), each killed at a random moment and run again."""
    seed = int(os.environ.get("ZIPING_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    provincial = load_profile("provincial")
    docs = tmp_path / "docs"
    corpus.generate(60, docs, seed=4, formats=("txt", "html", "docx"))
    files = sorted(docs.iterdir())
    out = tmp_path / "out"
    ingest(files, out, central, options=BatchOptions(workers=2))
    before = _by_doc(snapshot(out))
    clean_out = tmp_path / "clean"
    ingest(files, clean_out, provincial, options=BatchOptions(workers=2))
    clean = snapshot(clean_out)
    after = _by_doc(clean)

    switch = ("ingest", str(docs), "--out", str(out), "--profile", "provincial", "--force")
    # small commits, killed once one has switched some documents: a half-switched dataset
    small = ("--workers", "2", "--quiet", "--commit-docs", "4")
    delay = _kill_once_started(rng, _switched(out), *switch, *small, latest=0.3)
    killed = _by_doc(snapshot(out))
    switched = sum(rows == after[doc_id] for doc_id, rows in killed.items())
    note = f"seed {seed}, switch killed {delay:.2f} s in, {switched} documents switched"
    assert 0 < switched < len(files), note
    for doc_id, rows in killed.items():  # each document whole, in one profile
        assert rows in (before[doc_id], after[doc_id]), f"{note}: {doc_id} is mixed"
    _run_cli(*switch, "--quiet")
    assert not leftovers(out), note
    assert snapshot(out) == clean, note

    report = tmp_path / "report"
    _run_cli("report", "--data", str(out), "--out", str(report))
    published = {p.name: p.read_bytes() for p in report.iterdir() if p.is_file()}

    def staging() -> bool:
        return any(p.name.startswith(".report.report-") for p in tmp_path.iterdir())

    delay = _kill_once_started(rng, staging, "report", "--data", str(out), "--out", str(report))
    note = f"seed {seed}, report killed {delay:.2f} s into writing"
    assert {p.name for p in report.iterdir() if p.is_file()} == set(published), note
    _run_cli("report", "--data", str(out), "--out", str(report))
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")], note  # staging
    assert (report / "findings.csv").read_bytes() == published["findings.csv"], note

    changed, deleted = files[:5], files[-5:]
    for path, other in zip(changed, files[20:25], strict=True):
        path.write_bytes(other.read_bytes() + "\n（修订稿）\n".encode())
    for path in deleted:
        path.unlink()
    rerun = ("ingest", str(docs), "--out", str(out), "--profile", "provincial", "--prune")
    delay = _kill_once_started(rng, _run_began(out), *rerun, "--workers", "2", "--quiet")
    note = f"seed {seed}, --prune run killed {delay:.2f} s in"
    _run_cli(*rerun, "--quiet")
    fresh = tmp_path / "fresh"
    ingest(sorted(docs.iterdir()), fresh, provincial, options=BatchOptions(workers=2))
    assert not leftovers(out), note
    assert snapshot(out) == snapshot(fresh), note
