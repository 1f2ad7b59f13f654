"""The index of stored documents (`_ziping/index-<generation>.parquet`): one row per document
with its path, size and modification time when read, profile, reader version, status and
batch (pipeline/dataset/writer.py keeps it).

It is written sorted by path, in row groups of `INDEX_GROUP_ROWS`, and says so (Parquet's
`sorting_columns`): a run reads it a row group at a time beside the walk, which comes in the
same order (pipeline/batch/plan.py), and so never holds it whole unless it commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.dataset import store
from pipeline.dataset.lookup import COLUMNS, Stored, lookup_name, write_lookup
from pipeline.dataset.store import META, Manifest
from schemas import ids

INDEX_GROUP_ROWS = 1024
"""Rows per row group of the index: what a run holds of it at a time."""

INDEX_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("path", pa.string()),
        pa.field("size", pa.int64()),
        pa.field("mtime_ns", pa.int64()),
        pa.field("profile", pa.string()),
        pa.field("parser_version", pa.string()),
        pa.field("format", pa.string()),
        pa.field("status", pa.string()),
        pa.field("batch", pa.string()),
    ]
)


PATH_ORDER = tuple(pq.SortingColumn.from_ordering(INDEX_SCHEMA, [("path", "ascending")]))


def write_index(index: pa.Table, path: Path) -> tuple[str, str]:
    """`index`, sorted by path, written so that a reader can take it a row group at a time
    and knows the order (Parquet's sorting_columns), and its SQLite copy beside it
    (pipeline/dataset/lookup.py): the copy's name and sha256, for the manifest."""
    store.write_parquet(
        index, path, row_group_size=INDEX_GROUP_ROWS, sorting_columns=list(PATH_ORDER)
    )
    return write_copy(index, path.name, path.parent)


def write_copy(index: pa.Table | pq.ParquetFile, name: str, folder: Path) -> tuple[str, str]:
    """The SQLite copy of the index `name` (pipeline/dataset/lookup.py), a row group at a
    time: its name and sha256."""
    copy = lookup_name(name)
    if isinstance(index, pa.Table):
        batches = iter(index.to_batches(max_chunksize=INDEX_GROUP_ROWS))
    else:
        batches = index.iter_batches(INDEX_GROUP_ROWS, columns=list(COLUMNS))
    rows = (
        row
        for batch in batches
        for row in zip(*(batch.column(c).to_pylist() for c in COLUMNS), strict=True)
    )
    return copy, write_lookup(rows, folder / copy)


def read_index(out: Path, manifest: Manifest) -> pa.Table:
    """The index of the documents `manifest` holds."""
    if manifest.index:
        return pq.read_table(out / META / manifest.index, schema=INDEX_SCHEMA)
    if manifest.legacy and manifest.files.get("documents"):
        return _legacy_index(out, manifest)
    return INDEX_SCHEMA.empty_table()


def rows(index: pa.Table | pq.ParquetFile) -> Iterator[Stored]:
    """Every stored document in the index's order, a row group at a time."""
    if isinstance(index, pa.Table):
        batches = iter(index.to_batches(max_chunksize=INDEX_GROUP_ROWS))
    else:
        batches = index.iter_batches(INDEX_GROUP_ROWS)
    for batch in batches:
        for record in batch.to_pylist():
            yield Stored(**record)


def in_path_order(file: pq.ParquetFile) -> bool:
    """Whether the file says it is sorted by path (one written since it is kept so)."""
    metadata = file.metadata
    return metadata.num_row_groups == 0 or bool(metadata.row_group(0).sorting_columns == PATH_ORDER)


def profiles(index: pa.Table | pq.ParquetFile) -> set[str]:
    """The profiles the stored documents were scored under (one column read)."""
    if isinstance(index, pq.ParquetFile):
        index = index.read(columns=["profile"])
    return {str(p) for p in pc.unique(index.column("profile")).to_pylist() if p is not None}


def _legacy_index(out: Path, manifest: Manifest) -> pa.Table:
    """The index of a dataset written before manifests (one part per document): from its
    `documents` rows, mtime unknown (-1), so each file is hashed once more and then indexed."""
    documents = store.read_arrow(out, "documents", manifest)
    return pa.Table.from_pylist(
        [
            {
                "doc_id": d["doc_id"],
                "path": d["path"],
                "size": d["size_bytes"],
                "mtime_ns": -1,
                "profile": d["profile"],
                "parser_version": d["parser_version"],
                "format": d["format"],
                "status": d["status"],
                "batch": ids.short(d["doc_id"]),
            }
            for d in documents.to_pylist()
        ],
        INDEX_SCHEMA,
    )
