"""Writing the dataset: whole documents gathered into batches, each committed by a manifest.

A batch is one Parquet file per table and folder (year and province: pipeline/dataset/
partition.py) holding hundreds of documents (at most `flush_docs`, or what `flush_seconds`
gathered). A document that is written again (a changed file, another profile, `--force`) or
removed (`--prune`) has its old rows dropped from the batch that held them: that batch's
files are rewritten without them, under a new name, in the same commit as the new rows, so
each document is swapped whole. The commit is the rename of
`_ziping/manifest.json`; a writer killed before it leaves files no manifest names, which the
next writer deletes (`recover`) before it starts. The writer holds the folder's lock.

The index (`_ziping/index-<generation>.parquet`, pipeline/dataset/index.py) is the small table
of what is stored, one row per document. A file whose path, size and mtime match it is not read
again (as make and rsync decide).
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.dataset import index, leftovers, load, partition, relayout, store
from pipeline.dataset.index import INDEX_SCHEMA, read_index, write_index
from pipeline.dataset.leftovers import RETIRE_SECONDS
from pipeline.dataset.lookup import Stored
from pipeline.dataset.store import DOC_TABLES, META, Manifest
from schemas import SchemaError
from schemas.tables import TABLES, arrow_schema


class Writer:
    """Gathers documents and commits them in batches. Use as a context manager: leaving it
    commits what is pending (an exception too: every pending document is complete)."""

    def __init__(
        self, out: Path, prefix: str, flush_docs: int = 500, flush_seconds: float = 30.0
    ) -> None:
        self.out = out
        self.prefix = prefix
        self.flush_docs = flush_docs
        self.flush_seconds = flush_seconds
        self.manifest = store.read_manifest(out)
        self._index: pa.Table | None = None
        self._by_path: dict[str, int] | None = None
        self._by_id: dict[str, int] | None = None
        self._pending: dict[str, tuple[dict[str, pa.Table], Stored]] = {}
        self._removed: set[str] = set()
        self._retired: list[tuple[float, Path]] = []
        self._last = time.monotonic()
        self._committing = False

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *_exc: object) -> None:
        if not self._committing:  # a commit that failed half-way is not tried again
            self.commit()
        self._delete_retired(time.time() - RETIRE_SECONDS)

    # --- what is stored

    @property
    def index(self) -> pa.Table:
        """Every stored document, read whole on first use (a commit, a lookup by path)."""
        if self._index is None:
            self._index = read_index(self.out, self.manifest)
        return self._index

    def lookup(self, path: str) -> Stored | None:
        """The stored document read from `path`, if any."""
        found = self.find(path)
        return None if found is None else found[1]

    def find(self, path: str) -> tuple[int, Stored] | None:
        """The stored document read from `path` and its row in `entries`' order, if any (the
        lookup holds the whole index: `entries` in path order does not)."""
        if self._by_path is None:
            self._by_path = {p: i for i, p in enumerate(self.index.column("path").to_pylist())}
        row = self._by_path.get(path)
        return None if row is None else (row, Stored(**self.index.slice(row, 1).to_pylist()[0]))

    def stored_path_of(self, doc_id: str) -> str | None:
        if self._by_id is None:
            self._by_id = {d: i for i, d in enumerate(self.index.column("doc_id").to_pylist())}
        row = self._by_id.get(doc_id)
        return None if row is None else str(self.index.column("path")[row].as_py())

    def entries(self) -> Iterator[Stored]:
        """Every stored document in the index's order, a row group at a time: from the file
        unless the index is held already."""
        file = self._index_file()
        return index.rows(self.index if file is None else file)

    def in_path_order(self) -> bool:
        """Whether `entries` come sorted by path (an index written since it is kept so)."""
        file = self._index_file()
        return file is not None and index.in_path_order(file)

    def stored_count(self) -> int:
        file = self._index_file()
        return int(self.index.num_rows if file is None else file.metadata.num_rows)

    def profiles(self) -> set[str]:
        """The profiles the stored documents were scored under (one column read)."""
        return index.profiles(self._index_file() or self.index)

    def copy_index(self) -> None:
        """Give the committed index the SQLite copy a run with nothing to do reads instead
        (pipeline/dataset/lookup.py) when it has none to trust: committed by an older ziping,
        or damaged. Written a row group at a time; the manifest then names it."""
        if self.manifest.index is None or self.manifest.legacy:
            return
        held = self._index_file() or self.index
        lookup = index.write_copy(held, self.manifest.index, self.out / META)
        self.manifest = dataclasses.replace(self.manifest, lookup=lookup)
        store.write_manifest(self.out, self.manifest)

    def _index_file(self) -> pq.ParquetFile | None:
        """The index file, when the index is not held (nor made from an older dataset)."""
        if self._index is not None or not self.manifest.index:
            return None
        return pq.ParquetFile(self.out / META / self.manifest.index)

    # --- changes

    def add(self, tables: dict[str, pa.Table], stored: Stored) -> None:
        """Stage one document's rows (each table with its keys, `store.with_partition`), replacing
        whatever the dataset holds under its doc_id or its path."""
        self._pending[stored.doc_id] = (tables, stored)
        if (
            len(self._pending) >= self.flush_docs
            or time.monotonic() - self._last >= self.flush_seconds
        ):
            self.commit()

    def remove(self, doc_id: str) -> None:
        self._removed.add(doc_id)

    def commit(self) -> None:
        """Write the pending documents as one batch and commit it with the manifest."""
        if not self._pending and not self._removed:
            return
        if self.manifest.legacy:  # the manifest goes first (see _settle)
            self._settle()
        self._committing = True
        self._relayout()
        generation = self.manifest.generation + 1
        batch = f"{self.prefix}-{generation:05d}"
        paths = {s.path for _, s in self._pending.values()}
        doc_ids = self.index.column("doc_id")
        replaced = pc.or_(
            pc.is_in(doc_ids, pa.array([*self._pending, *self._removed], pa.string())),
            pc.is_in(self.index.column("path"), pa.array(sorted(paths), pa.string())),
        )
        gone = set(pc.filter(doc_ids, replaced).to_pylist())
        affected = set(pc.filter(self.index.column("batch"), replaced).to_pylist())
        files = {t: list(self.manifest.files.get(t, [])) for t in DOC_TABLES}
        retire: list[Path] = []
        renamed: dict[str, str] = {}
        for n, old in enumerate(sorted(affected)):
            renamed[old] = f"{batch}-r{n}"
            retire += self._rewrite_without(old, renamed[old], gone, files)
        for table in DOC_TABLES:
            files[table] += self._write_batch(table, batch)
        kept = self.index.filter(pc.invert(replaced))
        batches = [renamed.get(b, b) for b in kept.column("batch").to_pylist()]
        kept = kept.set_column(8, "batch", pa.array(batches, pa.string()))
        added = pa.Table.from_pylist(
            [{**vars(s), "batch": batch} for _, s in self._pending.values()], INDEX_SCHEMA
        )
        index = pa.concat_tables([kept, added]).sort_by("path")
        name = f"index-{generation:06d}.parquet"
        lookup = write_index(index, self.out / META / name)
        old_index, old_lookup = self.manifest.index, self.manifest.lookup
        files = {t: sorted(f) for t, f in files.items() if f}
        self.manifest = Manifest(generation, files, name, lookup=lookup)
        store.write_manifest(self.out, self.manifest)  # the commit
        self._index, self._by_path, self._by_id = index, None, None
        self._pending.clear()
        self._removed.clear()
        self._last = time.monotonic()
        self._committing = False
        for old in (old_index, old_lookup and old_lookup[0]):
            if old:
                (self.out / META / old).unlink(missing_ok=True)
        self._retire(retire)

    def _relayout(self) -> None:
        """Move the parts of a dataset written before province folders into them, in a commit
        of its own (pipeline/dataset/relayout.py), before any batch of theirs is rewritten."""
        moved = relayout.relayout(self.out, self.manifest)
        if moved is None:
            return
        files, retire = moved
        generation = self.manifest.generation + 1
        self.manifest = dataclasses.replace(self.manifest, generation=generation, files=files)
        store.write_manifest(self.out, self.manifest)  # the commit
        self._retire(retire)

    def _retire(self, paths: list[Path]) -> None:
        """Hide files a commit replaced from new readers; keep them a while for old ones."""
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                path.replace(store.retired_name(path))
                self._retired.append((time.time(), store.retired_name(path)))
        self._delete_retired(time.time() - RETIRE_SECONDS)

    def _rewrite_without(
        self, old: str, new: str, gone: set[str], files: dict[str, list[str]]
    ) -> list[Path]:
        """Batch `old`'s files less the documents in `gone`, as batch `new`; the old files."""
        retire = []
        for table in DOC_TABLES:
            for name in [f for f in files[table] if Path(f).name == f"part-{old}.parquet"]:
                path = self.out / table / name
                data = pq.read_table(path, schema=partition.file_schema(table))
                keep = data.filter(pc.invert(pc.is_in(data.column("doc_id"), pa.array(gone))))
                files[table].remove(name)
                retire.append(path)
                if keep.num_rows:
                    rewritten = str(Path(name).with_name(f"part-{new}.parquet"))
                    store.write_parquet(keep, self.out / table / rewritten)
                    files[table].append(rewritten)
        return retire

    def _write_batch(self, table: str, batch: str) -> list[str]:
        parts = [
            tables[table]
            for doc_id, (tables, _) in sorted(self._pending.items())
            if table in tables and tables[table].num_rows
        ]
        if not parts:
            return []
        written = []
        for folder, rows in partition.split(pa.concat_tables(parts)):
            name = f"{folder}/part-{batch}.parquet"
            store.write_parquet(rows, self.out / table / name)
            written.append(name)
        return written

    # --- clean-up

    def recover(self) -> list[str]:
        """Delete what a killed writer left: temp files and parts no manifest names (their
        documents were never committed, so this run does them again), and old index files;
        then move a dataset written before province folders into them. Returns the removed
        files' names."""
        if self.manifest.legacy:
            self._settle()
        removed, retired = leftovers.clear(self.out, self.manifest)
        self._retired += retired
        self._relayout()
        self._delete_retired(time.time() - RETIRE_SECONDS)
        return removed

    def _settle(self) -> None:
        """Give a folder without a manifest one before any part is written. Without it, a
        writer killed in its first commit would leave parts that readers and the next writer
        take for an older ziping's dataset (one without manifests): rows of documents whose
        `documents` part was not yet written, stored a second time by the re-run. Parts of
        an older ziping (one per document) are adopted with their index; a batch's parts
        with no manifest were never committed (store.read_manifest leaves them out), and
        `recover` deletes them."""
        files = self.manifest.files
        index = read_index(self.out, self.manifest)
        name = lookup = None
        if index.num_rows:
            name = f"index-{0:06d}.parquet"
            index = index.sort_by("path")
            lookup = write_index(index, self.out / META / name)
        else:
            files = {}  # rows of no document: nothing a run could replace or prune
        self.manifest = Manifest(0, files, name, lookup=lookup)
        store.write_manifest(self.out, self.manifest)
        self._index, self._by_path, self._by_id = index, None, None

    def _delete_retired(self, before: float) -> None:
        self._retired = leftovers.delete_retired(self._retired, before)


def committed_documents(out: Path) -> int | None:
    """Documents in the committed state of `out` (None: it cannot be read)."""
    try:
        return int(read_index(out, store.read_manifest(out)).num_rows)
    except (OSError, ValueError, SchemaError):
        return None


def read_batch(out: Path, manifest: Manifest, table: str, batch: str) -> list[Any]:
    """The rows of one batch in `table`, as the table's declared dataclass."""
    names = arrow_schema(table).names
    rows: list[Any] = []
    for path in manifest.paths(out, table):
        if path.name == f"part-{batch}.parquet":
            data = store.read_part(store.existing(path), table)
            rows.extend(load.typed(TABLES[table], data.select(names)))
    return rows
