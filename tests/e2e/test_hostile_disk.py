"""A full disk, a read-only mount, a folder without permission, a file-size limit: each ends
the command as one `Error: …` line saying what was kept, exit 1, no traceback, and the dataset
left as its last commit (a re-run once fixed gives exactly the clean dataset).

The full and read-only disks are real: a tmpfs mounted for the test (skipped where the tests
may not mount); the file-size limit (`ulimit -f`, RLIMIT_FSIZE set in the child) runs anywhere.
"""

from __future__ import annotations

import contextlib
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import corpus
from pipeline.batch.ingest import BatchOptions, ingest
from pipeline.dataset import load
from pipeline.dataset.writer import committed_documents
from schemas.profile import Profile
from tests.batch.test_walk import without_root_read_override
from tests.scale_helpers import leftovers, snapshot

CLI = "from pipeline.cli import main; main()"
KEPT = "committed before it, each whole; run the same command again to finish once fixed"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs, rlimits")


def _cli(*args: str, fsize: int | None = None, drop_root: bool = False) -> tuple[int, str]:
    """(exit code, stderr) of a `ziping` command; `fsize`: the child's RLIMIT_FSIZE."""

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if drop_root:
            without_root_read_override()

    done = subprocess.run(
        [sys.executable, "-c", CLI, *args],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=limit,
    )
    return done.returncode, done.stderr


def _error_line(stderr: str) -> str:
    """The one line a failed command prints after its progress: `Error: …`, no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if not line.startswith("ingest: ")]
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    return lines[0]


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("disk") / "docs"
    corpus.generate(60, folder, seed=3, formats=("txt", "html"))  # ~280 KB of input
    return folder


def test_a_full_disk_stops_ingest_with_what_was_kept_and_a_rerun_finishes(
    docs: Path, tmp_path: Path, central: Profile
) -> None:
    clean = tmp_path / "clean"
    ingest(sorted(docs.iterdir()), clean, central, options=BatchOptions(workers=1))
    with _tmpfs(tmp_path / "disk", "160k") as disk:
        out = disk / "out"
        code, stderr = _cli("ingest", str(docs), "--out", str(out), "--workers", "1")
        assert code == 1
        line = _error_line(stderr)
        kept = committed_documents(out)
        assert line == (
            f"Error: ingest into {out} stopped: no space left on the disk. "
            f"The dataset keeps the {kept} documents {KEPT}"
        )
        assert len(load.read_rows(out, "documents")) == kept  # the committed state, readable
        _remount(disk, "size=8m")
        code, stderr = _cli("ingest", str(docs), "--out", str(out), "--workers", "1", "--quiet")
        assert code == 0, stderr
        assert not leftovers(out)
        assert _rows(out) == _rows(clean)

        _remount(disk, f"size={_used_kib(disk) + 24}k")  # room for little more than the lock
        report = disk / "report"
        code, stderr = _cli("report", "--data", str(out), "--out", str(report))
        assert code == 1
        assert _error_line(stderr) == (
            f"Error: report into {report} stopped: no space left on the disk. "
            "No file of it was kept (none there)"
        )
        assert sorted(p.name for p in disk.iterdir()) == ["out"]  # no half-written report

        code, stderr = _cli("rescore", "--data", str(out), "--profile", "provincial")
        assert code == 1
        assert _error_line(stderr).startswith(f"Error: rescore of {out} stopped: no space left")
        assert {d["profile"] for d in load.read_rows(out, "documents")} <= {
            "central",
            "provincial",
        }
        _remount(disk, "size=8m")
        code, stderr = _cli("rescore", "--data", str(out), "--profile", "central")
        assert code == 0, stderr
        assert _rows(out) == _rows(clean)


def _rows(out: Path) -> dict[str, list[str]]:
    """Each table's rows, in an order that does not depend on how documents were batched."""
    return {table: sorted(map(repr, rows)) for table, rows in snapshot(out).items()}


def _used_kib(folder: Path) -> int:
    done = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0])


def test_a_read_only_disk_and_a_folder_without_permission_stop_at_the_lock(
    docs: Path, tmp_path: Path
) -> None:
    with _tmpfs(tmp_path / "disk", "1m") as disk:
        _remount(disk, "ro")
        out = disk / "out"
        code, stderr = _cli("ingest", str(docs), "--out", str(out))
        assert code == 1
        assert _error_line(stderr) == (
            f"Error: taking the lock on {out} stopped: the file system is read-only ({out}). "
            "Nothing was written"
        )
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o555)
    out = closed / "out"
    code, stderr = _cli("ingest", str(docs), "--out", str(out), drop_root=True)
    assert code == 1
    assert _error_line(stderr) == (
        f"Error: taking the lock on {out} stopped: permission denied ({out}). Nothing was written"
    )


def test_a_file_size_limit_ends_ingest_and_report_like_a_full_disk(
    docs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stderr = _cli("ingest", str(docs), "--out", str(out), "--workers", "2", fsize=16_384)
    assert code == 1  # not killed by SIGXFSZ: the write fails with EFBIG
    assert _error_line(stderr) == (
        f"Error: ingest into {out} stopped: file larger than this process may write "
        f"(ulimit -f). The dataset keeps the 0 documents {KEPT}"
    )
    code, stderr = _cli("ingest", str(docs), "--out", str(out), "--quiet")
    assert code == 0, stderr
    report = tmp_path / "report"
    code, stderr = _cli("report", "--data", str(out), "--out", str(report), fsize=65_536)
    assert code == 1
    assert _error_line(stderr).startswith(
        f"Error: report into {report} stopped: file larger than this process may write"
    )
    assert not report.exists()
