"""One writer per dataset folder: an OS file lock on `<out>/.ziping.lock`.

The lock is an flock, so the kernel drops it when its holder dies, even by SIGKILL: a crashed
ingest never leaves a stale lock behind. It is taken with `fcntl` itself: the `filelock`
package does the same flock but imports asyncio with it (~0.2 s of CPU, a fifth of a
re-run that has nothing to do). Who holds it is written
beside it (`.ziping.lock.json`: pid, host, start time, command) for the message a second
ingest prints. Both names start with a dot, so dataset readers never see them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pipeline.dataset import disk
from schemas import ZipingError

LOCK_NAME = ".ziping.lock"
HOLDER_NAME = ".ziping.lock.json"


class DatasetLockedError(ZipingError):
    """Another ingest is writing the same output folder."""


@contextlib.contextmanager
def hold(out: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the output folder's lock for the block; wait up to `wait` seconds for it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a read-only or full disk, no permission: nothing written yet
        raise disk.stopped(exc, f"taking the lock on {out}", "Nothing was written") from None
    try:
        if not _take(fd, max(wait, 0.0)):
            waited = f" after waiting {wait:g} s" if wait > 0 else ""
            raise DatasetLockedError(
                f"{out} is being written by another ingest ({holder(out)}){waited}; "
                "let it finish, or pass --wait SECONDS to queue behind it"
            )
        info = out / HOLDER_NAME
        try:
            try:
                info.write_text(json.dumps(_me()), "utf-8")
            except OSError as exc:
                raise disk.stopped(
                    exc, f"taking the lock on {out}", "Nothing was written"
                ) from None
            yield
        finally:
            info.unlink(missing_ok=True)
    finally:
        os.close(fd)  # closing the file gives the flock back


def _take(fd: int, wait: float) -> bool:
    """Whether the flock on `fd` was taken within `wait` seconds (polled every 50 ms). Each
    `hold` opens the file anew, so two holds in one process exclude each other too."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        else:
            return True


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
        "host": os.uname().nodename,  # socket.gethostname(), without importing socket
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv)[:300],
    }
