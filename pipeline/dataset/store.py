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

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.dataset import partition
from pipeline.dataset.manifest import (
    BATCH_PART,
    DOC_TABLES,
    MANIFEST,
    META,
    PART_GLOB,
    RETIRED,
    Manifest,
    existing,
    manifest_path,
    pinned,
    read_manifest,
    retired_name,
    runs_files,
    write_atomic_bytes,
    write_manifest,
)
from schemas import SchemaError
from schemas.tables import TABLES, arrow_schema

# the committed state lives in pipeline/dataset/manifest.py (free of pyarrow); named here too
__all__ = [
    "BATCH_PART",
    "DOC_TABLES",
    "MANIFEST",
    "META",
    "PART_GLOB",
    "RETIRED",
    "Manifest",
    "existing",
    "manifest_path",
    "pinned",
    "read_arrow",
    "read_manifest",
    "read_part",
    "retired_name",
    "runs_files",
    "to_arrow",
    "with_partition",
    "write_atomic_bytes",
    "write_manifest",
    "write_parquet",
]


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
