"""The Parquet dataset: `<out>/<table>/part-<doc>.parquet`, one part per document and table.

One part per document makes re-ingest idempotent (a document's rows are replaced, never
appended twice) and writes atomic: each part is written to a hidden temp file and renamed
into place, and the `documents` part is written last, so a document whose `documents` row
exists is complete. Readers (pandas, DuckDB, Spark) skip dot-files, so a killed run leaves
nothing half-written in view.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from schemas import SchemaError
from schemas.tables import TABLES, arrow_schema

# Written in this order; `documents` last marks the document complete.
DOC_TABLES = ("eval_tables", "indicators", "findings", "claims", "documents")


def part_path(out: Path, table: str, doc_id: str) -> Path:
    return out / table / f"part-{doc_id[:16]}.parquet"


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
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SchemaError(f"{table}: rows do not fit the declared schema: {exc}") from exc
    for field in schema:  # from_pylist does not enforce non-null key columns
        if not field.nullable and data.column(field.name).null_count:
            raise SchemaError(f"{table}: rows do not fit the declared schema: {field.name} is null")
    return data


def write_part(out: Path, table: str, doc_id: str, rows: Sequence[Any]) -> None:
    """Replace `doc_id`'s part of `table` with `rows` (none: remove the part)."""
    path = part_path(out, table, doc_id)
    if not rows:
        path.unlink(missing_ok=True)
        return
    data = to_arrow(table, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(data, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def remove_document(out: Path, doc_id: str) -> None:
    """Drop every part of `doc_id` (its `documents` part first, so it reads as not ingested)."""
    for table in reversed(DOC_TABLES):
        part_path(out, table, doc_id).unlink(missing_ok=True)


def read_arrow(out: Path, table: str) -> pa.Table:
    """All parts of `table` with the declared schema (empty when none were written)."""
    folder = out / table
    schema = arrow_schema(table)
    parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    if not parts:
        return schema.empty_table()
    return pa.concat_tables(pq.read_table(p, schema=schema) for p in parts)


def read_rows(out: Path, table: str) -> list[Any]:
    """All rows of `table` as its declared dataclass."""
    cls = TABLES[table]
    return [cls(**record) for record in read_arrow(out, table).to_pylist()]


def write_run(out: Path, run: Any) -> None:
    """Write (or replace) the `runs` row of one ingest: `runs/part-<run_id>.parquet`."""
    data = to_arrow("runs", [run])
    path = out / "runs" / f"part-{run.run_id}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(data, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def read_documents(out: Path) -> list[Any]:
    """Every complete document's row (what a new run compares files against), read in one go."""
    folder = out / "documents"
    if not folder.is_dir() or not any(folder.glob("part-*.parquet")):
        return []
    try:
        data = pq.read_table(folder, schema=arrow_schema("documents"))
    except (pa.ArrowInvalid, OSError):  # parts of an older schema: read them one by one
        return read_rows(out, "documents")
    cls = TABLES["documents"]
    return [cls(**record) for record in data.to_pylist()]


def recover(out: Path) -> list[str]:
    """Undo what a killed writer left: temp files, and parts of documents that never got their
    `documents` part (incomplete, so a re-run redoes them). Call it holding the folder's lock.
    Returns the doc-id prefixes whose stray parts were removed."""
    complete = {p.name for p in (out / "documents").glob("part-*.parquet")}
    stray: set[str] = set()
    for table in (*DOC_TABLES, "runs"):
        folder = out / table
        if not folder.is_dir():
            continue
        for tmp in folder.glob(".part-*.tmp"):
            tmp.unlink(missing_ok=True)
        if table in DOC_TABLES:
            for part in folder.glob("part-*.parquet"):
                if part.name not in complete:
                    part.unlink(missing_ok=True)
                    stray.add(part.name[5:-8])
    return sorted(stray)
