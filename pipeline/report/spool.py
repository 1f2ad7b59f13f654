"""Things the report writes in an order other than the one it reads them in, kept on disk.

Documents are read a batch at a time, but the findings list runs by severity across all of
them, and diff.md and diff.xlsx list tables in document order. Each item goes into a SQLite
file with its sort key as it is made, and comes back in order at the end: SQLite sorts on
disk with a small cache, so the report's memory stays flat however many items there are.
The file is private to one `ziping report` run and removed with it.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Key = tuple[int, str, int, int, str]
BATCH = 2_000  # items per insert


class Spool:
    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA cache_size = -8000")  # KiB: sorting spills beyond this
        self.db.execute("PRAGMA temp_store = FILE")
        self.db.execute(
            "CREATE TABLE items (kind TEXT, a INTEGER, b TEXT, c INTEGER, d INTEGER, e TEXT,"
            " item BLOB)"
        )
        self.pending: list[tuple[Any, ...]] = []
        self.counts: dict[str, int] = {}

    def put(self, kind: str, key: Key, item: object) -> None:
        self.pending.append((kind, *key, pickle.dumps(item, pickle.HIGHEST_PROTOCOL)))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        self.db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)", self.pending)
        self.pending.clear()

    def read(self, kind: str) -> Iterator[Any]:
        """The items of `kind` in key order, one at a time."""
        self.flush()
        cursor = self.db.execute(
            "SELECT item FROM items WHERE kind = ? ORDER BY a, b, c, d, e, rowid", (kind,)
        )
        for (item,) in cursor:
            yield pickle.loads(item)

    def count(self, kind: str) -> int:
        return self.counts.get(kind, 0)

    def close(self) -> None:
        self.db.close()
