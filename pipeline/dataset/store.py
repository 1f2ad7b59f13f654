"""The Parquet dataset: `<out>/<table>/year=<Y>/province=<name>/part-<batch>.parquet`, and a
committed manifest `<out>/_ziping/manifest.json` naming the files that make up the dataset.

Rows are partitioned by year and province (Hive style, so pandas, DuckDB, pyarrow and Spark
read both as columns): a table's rows and findings by the table's, everything else by the
document's; `year=0` and `province=未知` hold rows whose year or province is not known, read
back as null by ziping's readers. pipeline/dataset/partition.py says which folder and why.

A writer (`pipeline/dataset/writer.py`) gathers whole documents and writes them as one
*batch*: one file per table and folder for hundreds of documents, not one per document. A
batch becomes part of the dataset only when the manifest naming it is committed (written
beside and renamed over the old one: one atomic rename). Readers take one manifest and read
exactly its files, so a `query` or `report` during an ingest sees each document before or
after, never half; files a commit replaced are renamed to hidden `.part-….retired` names
(which pandas, pyarrow, DuckDB globs and Spark skip) and deleted a few minutes later, so a
reader holding the previous manifest can finish. A folder read without ziping shows the
committed state whenever no writer is running.

Why not Delta Lake: it gives the same snapshots, but pandas and a plain DuckDB glob read its
folder wrong (the files a later version removed are still there until VACUUM), and it adds
a 30 MB native dependency; the manifest here is one JSON file and the folder stays plain Hive.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.dataset import partition
from schemas import SchemaError
from schemas.tables import TABLES, arrow_schema

# The tables a document writes rows to; `documents` holds its one row.
DOC_TABLES = ("eval_tables", "indicators", "findings", "claims", "documents")

META = "_ziping"  # manifest and index: hidden from pandas, pyarrow and Spark by the underscore
MANIFEST = "manifest.json"
PART_GLOB = "part-*.parquet"
RETIRED = ".retired"
# A batch's part (`part-<run>-00007.parquet`, rewritten: `…-00007-r0.parquet`), as against
# the per-document parts (`part-<short doc_id>.parquet`) of a ziping older than manifests.
BATCH_PART = re.compile(r"part-.+-\d{5}(-r\d+)?\.parquet")


@dataclass(frozen=True)
class Manifest:
    """One committed state of the dataset: its files per table (relative to the table's
    folder), and the index of stored documents (pipeline/dataset/writer.py)."""

    generation: int = 0
    files: dict[str, list[str]] = field(default_factory=dict)
    index: str | None = None
    legacy: bool = False
    """No manifest yet: the files found in the folders (a dataset from an older ziping)."""

    def paths(self, out: Path, table: str) -> list[Path]:
        if table == "runs":  # an append-only log, one file per run, outside the batches
            return [out / "runs" / name for name in runs_files(out)]
        return [out / table / name for name in self.files.get(table, [])]


def manifest_path(out: Path) -> Path:
    return out / META / MANIFEST


def read_manifest(out: Path) -> Manifest:
    """The committed manifest, or (no manifest) the parts found in the table folders."""
    held = _PINNED.get()
    pinned = held.get(out.resolve()) if held else None
    if pinned is not None:
        return pinned
    try:
        raw = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _legacy(out)
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{manifest_path(out)}: unreadable dataset manifest ({exc})") from exc
    return Manifest(int(raw["generation"]), dict(raw["files"]), raw.get("index"))


def _legacy(out: Path) -> Manifest:
    """The per-document parts of a ziping older than manifests. A batch's parts with no
    manifest were never committed: the first commit writes the manifest before any part."""
    files = {}
    for table in DOC_TABLES:
        folder = out / table
        if folder.is_dir():
            files[table] = sorted(
                str(p.relative_to(folder))
                for p in folder.rglob(PART_GLOB)
                if not BATCH_PART.fullmatch(p.name)
            )
    return Manifest(0, files, None, legacy=True)


def write_manifest(out: Path, manifest: Manifest) -> None:
    """Commit `manifest`: the one rename that makes a batch part of the dataset."""
    data = {
        "format": 1,
        "generation": manifest.generation,
        "index": manifest.index,
        "files": manifest.files,
    }
    write_atomic_bytes(manifest_path(out), json.dumps(data, ensure_ascii=False).encode())


_PINNED: ContextVar[dict[Path, Manifest] | None] = ContextVar("ziping_pinned", default=None)


@contextlib.contextmanager
def pinned(out: Path) -> Iterator[Manifest]:
    """Read every table of `out` from one manifest inside the block (a report, a query)."""
    manifest = read_manifest(out)
    token = _PINNED.set({**(_PINNED.get() or {}), out.resolve(): manifest})
    try:
        yield manifest
    finally:
        _PINNED.reset(token)


def retired_name(path: Path) -> Path:
    return path.with_name(f".{path.name}{RETIRED}")


def existing(path: Path) -> Path:
    """`path`, or its retired name when a commit after our manifest replaced it."""
    if path.exists():
        return path
    retired = retired_name(path)
    return retired if retired.exists() else path


# --- Rows and Arrow -------------------------------------------------------------------


def to_arrow(table: str, rows: Sequence[Any]) -> pa.Table:
    """Rows (the table's declared dataclass) as an Arrow table with the declared schema."""
    cls = TABLES[table]
    for row in rows:
        if type(row) is not cls:
            raise SchemaError(f"{table}: expected {cls.__name__} rows, got {type(row).__name__}")
    names = [f.name for f in dataclasses.fields(cls)]
    records = [{n: getattr(row, n) for n in names} for row in rows]
    schema = arrow_schema(table)
    try:
        data = pa.Table.from_pylist(records, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise SchemaError(f"{table}: rows do not fit the declared schema: {exc}") from exc
    for f in schema:  # from_pylist does not enforce non-null key columns
        if not f.nullable and data.column(f.name).null_count:
            raise SchemaError(f"{table}: rows do not fit the declared schema: {f.name} is null")
    return data


def with_partition(table: str, rows: Sequence[Any], about: dict[str, partition.Folder]) -> pa.Table:
    """`rows` as Arrow in the file schema plus the keys `year` and `province` last, as folder
    values (`about`: `partition.folders` of their document): what a writer groups."""
    return partition.keyed(to_arrow(table, rows), rows, about)


def write_atomic_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_parquet(data: pa.Table, path: Path, **options: Any) -> None:
    """Write `data` to a hidden temp file and rename it into place (`options`: pyarrow's
    `write_table`'s)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(data, tmp, **options)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# --- Reading ----------------------------------------------------------------------------


def read_arrow(
    out: Path, table: str, manifest: Manifest | None = None, keys: bool = False
) -> pa.Table:
    """All rows of `table` in one committed state, declared schema (plus the keys `year` and
    `province` last when `keys` and the table does not declare them), ordered by
    document (so the order does not depend on how documents were batched); empty when none."""
    for attempt in range(3):
        current = manifest or read_manifest(out)
        try:
            return _read(out, table, current, keys)
        except FileNotFoundError:  # retired and deleted under a slow reader: take the new state
            if manifest is not None or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _read(out: Path, table: str, manifest: Manifest, keys: bool) -> pa.Table:
    schema = arrow_schema(table)
    if keys and table != "runs":
        schema = partition.with_keys(schema)
    files = [existing(p) for p in manifest.paths(out, table)]
    if not files:
        return schema.empty_table()
    data = pa.concat_tables([read_part(path, table) for path in files])
    key = "run_id" if table == "runs" else "doc_id"
    data = data.take(pc.sort_indices(data, [(key, "ascending")]))
    return data.select(schema.names).cast(schema)


def read_part(path: Path, table: str) -> pa.Table:
    """One part: the file schema, then `year` and `province` (null: not known), each from the
    file when it holds it (a part of an older ziping, or of another tool), else from the
    folder the part sits in."""
    held = [partition.FIELDS[k] for k in partition.KEYS if k in pq.read_schema(path).names]
    schema = pa.schema([*partition.file_schema(table), *held])
    return partition.add_keys(pq.read_table(path, schema=schema), path)


def write_run(out: Path, run: Any) -> None:
    """Write (or replace) the `runs` row of one ingest: `runs/part-<run_id>.parquet` (the runs
    log is read from its folder: a run is recorded whether or not a batch was committed)."""
    write_parquet(to_arrow("runs", [run]), out / "runs" / f"part-{run.run_id}.parquet")


def runs_files(out: Path) -> list[str]:
    folder = out / "runs"
    return sorted(p.name for p in folder.glob(PART_GLOB)) if folder.is_dir() else []
