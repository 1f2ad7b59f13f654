"""jieba's prefix dictionary read from disk word by word instead of loaded whole.

jieba keeps every dictionary word and every prefix of one (~500,000 entries) in a dict
that it unmarshals from its cache file: ~1.7 s of CPU and ~70 MB in every process that
segments a single name. Segmenting an indicator name or a claim's clause asks that dict a
few dozen questions, so here the same entries live in an SQLite file (built once per
machine from jieba's own dict.txt, by jieba's own `gen_pfdict`, next to jieba's cache in the
temporary folder) and are asked one at a time, answers remembered. Words added at run time
(the user dictionaries) stay in memory over the stored ones. jieba's segmentation code is
unchanged: it sees a mapping with the same keys and values as its own dict.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Any

FORMAT = 1  # bump when the file's layout changes: an old file is then rebuilt, not misread


class StoredPrefixes:
    """The part of the dict interface jieba's Tokenizer uses on `FREQ` (in, [], get, []=)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()  # one connection, shared by a process's threads
        self._pid = -1
        self._con: sqlite3.Connection | None = None
        self._known: dict[str, int | None] = {}  # answers so far, None: not a prefix
        self.total = int(self._ask("SELECT value FROM meta WHERE key = 'total'", ())[0])

    def _ask(self, sql: str, args: tuple[str, ...]) -> Any:
        with self._lock:
            if self._con is None or self._pid != os.getpid():
                # a connection must not cross a fork (a pool worker opens its own)
                uri = f"{self._path.as_uri()}?mode=ro"
                self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
                self._pid = os.getpid()
            return self._con.execute(sql, args).fetchone()

    def _lookup(self, word: str) -> int | None:
        if word not in self._known:
            row = self._ask("SELECT freq FROM prefix WHERE word = ?", (word,))
            self._known[word] = None if row is None else int(row[0])
        return self._known[word]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self._lookup(word)
        if found is None:
            raise KeyError(word)
        return found

    def get(self, word: str, default: int | None = None) -> int | None:
        found = self._lookup(word)
        return default if found is None else found

    def __setitem__(self, word: str, freq: int) -> None:
        self._known[word] = freq  # a user word: in memory only, over the stored entry


def stored(dictionary: Path) -> StoredPrefixes | None:
    """The stored prefix dictionary of jieba's `dictionary` file, built if missing; None
    when it can be neither read nor built (a read-only temporary folder, a dictionary file
    missing): jieba then loads its own dict as usual."""
    try:
        path = _cache_path(dictionary)
        if not path.is_file():
            _build(dictionary, path)
        return StoredPrefixes(path)
    except (OSError, sqlite3.Error, ValueError):
        return None


def _cache_path(dictionary: Path) -> Path:
    """One file per dictionary version: its path, size and modification time in the name."""
    info = dictionary.stat()
    key = f"{FORMAT}:{dictionary.resolve()}:{info.st_size}:{info.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"ziping-jieba-{digest}.sqlite"


def _build(dictionary: Path, target: Path) -> None:
    """Write the prefix dictionary to a private file, then move it into place: processes
    building at once each finish their own file, and a reader never sees half of one."""
    import jieba  # noqa: PLC0415  (the caller has imported it already)

    with dictionary.open("rb") as source:
        freq, total = jieba.Tokenizer.gen_pfdict(source)
    handle, name = tempfile.mkstemp(dir=target.parent, suffix=".building")
    os.close(handle)
    scratch = Path(name)
    try:
        con = sqlite3.connect(scratch)
        try:
            con.execute("CREATE TABLE prefix (word TEXT PRIMARY KEY, freq INTEGER) WITHOUT ROWID")
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER)")
            con.executemany("INSERT INTO prefix VALUES (?, ?)", freq.items())
            con.execute("INSERT INTO meta VALUES ('total', ?)", (total,))
            con.commit()
        finally:
            con.close()
        scratch.chmod(0o644)  # mkstemp's 0600 would hide it from other users' runs
        scratch.replace(target)
    finally:
        scratch.unlink(missing_ok=True)
