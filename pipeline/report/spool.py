"""Things the report writes in an order other than the one it reads them in, kept on disk.

Documents are read a unit at a time, but the findings list runs by severity across all of
them, and diff.md and diff.xlsx list tables in document order. Items are put with their sort
key; at the end of each unit they are sorted and written to a run file of their own (an
external merge sort), and `read` merges the runs back in key order, holding one item per run.
So memory is that of one unit, whatever the number of documents; the files are plain files
(a full disk is an OSError like any other write of the report) in a folder private to one
`ziping report` run, removed with it.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

Key = tuple[int, str, int, int, str]


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: dict[str, list[tuple[Key, int, bytes]]] = {}
        self.runs: dict[str, list[Path]] = {}
        self.seq = 0  # ties keep the order items were put in

    def put(self, kind: str, key: Key, item: object) -> None:
        self.seq += 1
        data = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
        self.pending.setdefault(kind, []).append((key, self.seq, data))

    def end_run(self) -> None:
        """Write what was put since the last run, sorted, one file per kind."""
        for kind, items in self.pending.items():
            path = self.folder / f"{kind}-{len(self.runs.get(kind, []))}.run"
            items.sort(key=lambda entry: (entry[0], entry[1]))
            with path.open("wb") as handle:
                for entry in items:
                    pickle.dump(entry, handle, pickle.HIGHEST_PROTOCOL)
            self.runs.setdefault(kind, []).append(path)
        self.pending = {}

    def read(self, kind: str) -> Iterator[Any]:
        """The items of `kind` in key order, one at a time."""
        self.end_run()
        handles = [path.open("rb") for path in self.runs.get(kind, [])]
        try:
            merged = heapq.merge(*(_entries(h) for h in handles), key=lambda e: (e[0], e[1]))
            for _, _, data in merged:
                yield pickle.loads(data)  # our own file, written above
        finally:
            for handle in handles:
                handle.close()


def _entries(handle: IO[bytes]) -> Iterator[tuple[Key, int, bytes]]:
    while True:
        try:
            entry: tuple[Key, int, bytes] = pickle.load(handle)  # our own file
        except EOFError:
            return
        yield entry
