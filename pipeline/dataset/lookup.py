"""The index of stored documents as SQLite (`_ziping/index-<generation>.sqlite`), for a run
that may have nothing to do.

The index proper is Parquet (pipeline/dataset/index.py), what pandas and DuckDB read. A
re-run over an unchanged folder only compares each file's path, size and mtime with it, and
importing pyarrow to read it would cost more than the whole comparison; so each commit also
writes the same rows, in the same order (by path), to a SQLite file, which Python reads
with its standard library. The manifest names the file with the sha256 of its bytes: a copy
that is missing, from another commit or damaged in any byte is not used (`open_lookup` says
None, and the run reads the Parquet index as before); one that fails half-way through a
read hands over to the Parquet index at the row it had reached.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Protocol

from pipeline.dataset.manifest import META, Manifest


@dataclass(frozen=True)
class Stored:
    """One document as the index knows it."""

    doc_id: str
    path: str
    size: int
    mtime_ns: int
    profile: str
    parser_version: str | None
    format: str | None
    status: str
    batch: str = ""


COLUMNS = tuple(f.name for f in fields(Stored))
_SELECT = f"SELECT rowid - 1, {', '.join(COLUMNS)} FROM documents"


class Catalog(Protocol):
    """What a run asks of the stored documents (pipeline/batch/plan.py): the Parquet index
    through `Writer`, or its SQLite copy through `Lookup`."""

    def find(self, path: str) -> tuple[int, Stored] | None: ...
    def entries(self) -> Iterator[Stored]: ...
    def in_path_order(self) -> bool: ...
    def stored_count(self) -> int: ...
    def profiles(self) -> set[str]: ...


def lookup_name(index_name: str) -> str:
    """`index-000007.parquet` -> `index-000007.sqlite`."""
    return index_name.removesuffix(".parquet") + ".sqlite"


def write_lookup(rows: Iterable[Sequence[object]], path: Path) -> str:
    """`rows` (values in `COLUMNS` order, in the index's order) as a SQLite file at `path`,
    written aside and renamed into place; the sha256 of its bytes."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as con:
            con.execute("PRAGMA journal_mode = OFF")  # a new file, put in place whole
            con.execute(f"CREATE TABLE documents ({', '.join(COLUMNS)})")
            marks = ", ".join("?" * len(COLUMNS))
            con.executemany(f"INSERT INTO documents VALUES ({marks})", rows)
            con.execute("CREATE INDEX by_path ON documents (path)")  # a caller's own order
            con.commit()
        digest = _sha256(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def open_lookup(out: Path, manifest: Manifest, fallback: Callable[[], Catalog]) -> Lookup | None:
    """The committed index's SQLite copy, or None when there is none to trust: not named
    by the manifest (an older ziping committed last), not the copy of its index, missing,
    or not the bytes the commit wrote. `fallback` gives the Parquet index."""
    if not trusted(out, manifest) or manifest.lookup is None:
        return None
    path = out / META / manifest.lookup[0]
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        con.execute("PRAGMA cache_size = -256")  # KiB: read in order, once; flat in its size
        count = int(con.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        con.close()
        return None
    return Lookup(con, count, fallback)


def trusted(out: Path, manifest: Manifest) -> bool:
    """Whether the manifest names a SQLite copy of its index and the file holds the bytes
    the commit wrote."""
    if manifest.lookup is None or manifest.index is None:
        return False
    name, sha256 = manifest.lookup
    if name != lookup_name(manifest.index):
        return False
    try:
        return _sha256(out / META / name) == sha256
    except OSError:
        return False


class Lookup:
    """The stored documents read from the SQLite copy, rows numbered as in the index."""

    def __init__(self, con: sqlite3.Connection, count: int, fallback: Callable[[], Catalog]):
        self.con = con
        self.count = count
        self.fallback = fallback

    def close(self) -> None:
        self.con.close()

    def stored_count(self) -> int:
        return self.count

    def in_path_order(self) -> bool:
        return True  # written from the index, which is kept sorted by path

    def entries(self) -> Iterator[Stored]:
        done = 0
        try:
            for row in self.con.execute(f"{_SELECT} ORDER BY rowid"):
                yield Stored(*row[1:])
                done += 1
        except sqlite3.Error:  # the file went bad under us: the Parquet index from here
            yield from itertools.islice(self.fallback().entries(), done, None)

    def find(self, path: str) -> tuple[int, Stored] | None:
        try:
            row = self.con.execute(
                f"{_SELECT} WHERE path = ? ORDER BY rowid DESC LIMIT 1", (path,)
            ).fetchone()
        except sqlite3.Error:
            return self.fallback().find(path)
        return None if row is None else (int(row[0]), Stored(*row[1:]))

    def profiles(self) -> set[str]:
        try:
            found = self.con.execute("SELECT DISTINCT profile FROM documents")
            return {str(p) for (p,) in found if p is not None}
        except sqlite3.Error:
            return self.fallback().profiles()


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
