"""The walk over the input folders: every entry it meets is a document row, read or not.

Symbolic links are followed only inside the input folders; a link out of them (to
/etc/passwd), a broken link, a FIFO and a folder that cannot be listed are each one row with
the reason. Root reads through permission bits, so the unreadable folder is tested by running
the whole `ziping ingest` as root without the capabilities that let it (or as the non-root
user the tests run as).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.batch.walk import discover, walk
from pipeline.dataset import load
from tests.conftest import SEED_004

CLI = "from pipeline.cli import main; main()"
OUTSIDE = "symbolic link to a file outside the input folders"
PR_CAPBSET_DROP = 24  # linux/prctl.h


def _tree(root: Path, outside: Path) -> Path:
    """`root/in`: a report, links in, out and broken, a FIFO, a folder no one may list."""
    folder = root / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(SEED_004, folder / "report.txt")
    (folder / "sub" / "inner.txt").write_text("2023年度绩效自评报告\n", encoding="utf-8")
    (folder / "same.txt").symlink_to(folder / "report.txt")  # inside: a second name
    (folder / "sub-again").symlink_to(folder / "sub")  # a folder walked already
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "secret.txt").symlink_to(outside)
    (folder / "gone.txt").symlink_to(folder / "deleted.txt")
    os.mkfifo(folder / "pipe.txt")
    return folder


def test_links_are_followed_inside_the_inputs_only(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the dataset\n", encoding="utf-8")
    folder = _tree(tmp_path, secret)
    found = walk([folder])
    names = [p.relative_to(folder).as_posix() for p in found.files]
    assert names == [
        "gone.txt", "passwd.txt", "pipe.txt", "report.txt", "same.txt", "secret.txt",
        "sub/inner.txt",
    ]  # fmt: skip
    assert found.unread == {
        str(folder / "gone.txt"): f"broken symbolic link to {folder / 'deleted.txt'}",
        str(folder / "passwd.txt"): f"{OUTSIDE} (/etc/passwd): not followed "
        "(--follow-symlinks reads it)",
        str(folder / "secret.txt"): f"{OUTSIDE} ({secret}): not followed "
        "(--follow-symlinks reads it)",
    }
    assert [p.name for p in discover([folder])] == [
        "pipe.txt", "report.txt", "same.txt", "inner.txt",
    ]  # fmt: skip
    followed = walk([folder], follow_symlinks=True)
    assert followed.unread == {str(folder / "gone.txt"): found.unread[str(folder / "gone.txt")]}
    assert folder / "secret.txt" in followed.files


def without_root_read_override() -> None:
    """In the child before exec: drop the capabilities by which root reads through permission
    bits (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from its bounding set, so the exec'd ingest
    meets a folder it may not list as any user would."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # linux/capability.h
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl, mkfifo")
def test_every_entry_the_walk_cannot_read_is_a_row_with_its_reason(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the dataset\n", encoding="utf-8")
    folder = _tree(tmp_path, secret)
    (folder / "sub").chmod(0o000)
    out = tmp_path / "out"
    try:
        done = subprocess.run(
            [sys.executable, "-c", CLI, "ingest", str(folder), "--out", str(out),
             "--workers", "1", "--json"],
            capture_output=True, text=True, check=False,
            preexec_fn=without_root_read_override if os.geteuid() == 0 else None,
        )  # fmt: skip
    finally:
        (folder / "sub").chmod(0o755)
    assert done.returncode == 0, done.stderr
    rows = {Path(d["path"]).name: d for d in load.read_rows(out, "documents")}
    assert rows["report.txt"]["status"] == "ok"
    reasons = {name: row["error"] for name, row in rows.items() if row["status"] == "error"}
    assert reasons == {
        "sub": "folder cannot be listed: Permission denied",
        "gone.txt": f"broken symbolic link to {folder / 'deleted.txt'}",
        "passwd.txt": f"{OUTSIDE} (/etc/passwd): not followed (--follow-symlinks reads it)",
        "secret.txt": f"{OUTSIDE} ({secret}): not followed (--follow-symlinks reads it)",
        "pipe.txt": f"{folder / 'pipe.txt'}: not a regular file (a FIFO); only files are read",
    }
    assert all(rows[name]["title"] is None for name in reasons)
    assert "same.txt" not in rows  # a second name of report.txt: read once, reported as such
    assert json.loads(done.stdout)["documents"] == 7  # the six rows and the duplicate
