"""File names as the dataset stores them: valid UTF-8, undecodable bytes escaped (`\\xb9`).

A file name in GBK bytes (how Chinese Windows zips unpack on Linux) is not UTF-8; stored
with its bytes escaped, the original bytes can be recovered (`original_path`), so that a
re-run finds the file again. Apart from the row checks of pipeline/batch/safe.py, which
need pyarrow: the walk and the plan of a run with nothing to do use these alone.
"""

from __future__ import annotations

import os
import re


def stored_path(path: str) -> str:
    """A file name as stored: valid UTF-8, with bytes that were not escaped as `\\xNN`."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


def original_path(stored: str) -> bytes:
    """The bytes of a file name `stored_path` escaped. Only bytes 0x80-0xff are ever escaped
    (ASCII always decodes), so only `\\x80`-`\\xff` are read back as bytes; a name printing
    such an escape literally is the one ambiguity."""
    return re.sub(rb"\\x([89a-f][0-9a-f])", lambda m: bytes([int(m[1], 16)]), stored.encode())
