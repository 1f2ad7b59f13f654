"""One writer per dataset folder: an OS file lock on `<out>/.ziping.lock`.

The lock is an flock (the `filelock` package), so the kernel drops it when its holder dies,
even by SIGKILL: a crashed ingest never leaves a stale lock behind. Who holds it is written
beside it (`.ziping.lock.json`: pid, host, start time, command) for the message a second
ingest prints. Both names start with a dot, so dataset readers never see them.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.dataset import disk
from schemas import ZipingError

LOCK_NAME = ".ziping.lock"
HOLDER_NAME = ".ziping.lock.json"


class DatasetLockedError(ZipingError):
    """Another ingest is writing the same output folder."""


@contextlib.contextmanager
def hold(out: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the output folder's lock for the block; wait up to `wait` seconds for it."""
    lock = FileLock(out / LOCK_NAME, timeout=max(wait, 0.0), is_singleton=False)
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock.acquire(poll_interval=0.05)
    except Timeout:  # first: filelock's Timeout is an OSError too
        waited = f" after waiting {wait:g} s" if wait > 0 else ""
        raise DatasetLockedError(
            f"{out} is being written by another ingest ({holder(out)}){waited}; "
            "let it finish, or pass --wait SECONDS to queue behind it"
        ) from None
    except OSError as exc:  # a read-only or full disk, no permission: nothing written yet
        raise disk.stopped(exc, f"taking the lock on {out}", "Nothing was written") from None
    info = out / HOLDER_NAME
    try:
        try:
            info.write_text(json.dumps(_me()), "utf-8")
        except OSError as exc:
            raise disk.stopped(exc, f"taking the lock on {out}", "Nothing was written") from None
        yield
    finally:
        info.unlink(missing_ok=True)
        lock.release()


def holder(out: Path) -> str:
    """The lock holder as the message shows it (what it wrote when it took the lock)."""
    try:
        data = json.loads((out / HOLDER_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return "holder unknown"
    if not isinstance(data, dict):
        return "holder unknown"
    return (
        f"pid {data.get('pid')} on {data.get('host')}, since {data.get('since')}: "
        f"{data.get('command')}"
    )


def _me() -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv)[:300],
    }
