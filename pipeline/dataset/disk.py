"""File-system errors while writing a dataset or a report, as one line an auditor can act on.

A full disk, a read-only mount, a folder without write permission or a file-size limit
(`ulimit -f`) stops a run; it must end as `Error: …` saying what failed and what was kept
(ingest and rescore commit whole documents, a report is swapped in whole), never as a
traceback. Readers' errors are not these: a file that cannot be read is that document's row.
"""

from __future__ import annotations

import errno
import re

from schemas import ZipingError

_WHY = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EFBIG: "file larger than this process may write (ulimit -f)",
}
_ERRNO = re.compile(r"\[Errno (\d+)\]")  # pyarrow's IOError carries it in its message only


class StorageError(ZipingError):
    """Writing a dataset, its lock or a report failed in the file system."""


def describe(exc: OSError) -> str:
    """`no space left on the disk (/data/out/indicators/…)`."""
    number = exc.errno
    if number is None and (found := _ERRNO.search(str(exc))):
        number = int(found.group(1))
    why = _WHY.get(number or 0) or exc.strerror or str(exc).splitlines()[0]
    return f"{why} ({exc.filename})" if exc.filename else why


def stopped(exc: OSError, doing: str, kept: str) -> StorageError:
    """The error that ends a command: what it was doing, why it stopped, what was kept."""
    return StorageError(f"{doing} stopped: {describe(exc)}. {kept}")
