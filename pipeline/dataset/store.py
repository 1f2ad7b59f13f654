"""The Parquet dataset: `<out>/<table>/year=<Y>/part-<doc>.parquet`, one part per document,
table and year.

Rows are partitioned by year (Hive style, so pandas, DuckDB, pyarrow and Spark read
`year` as a column): a table's rows and findings by the table's year, everything else by
the document's; a year not printed is `year=0` (Hive's null folder makes pandas fail to
read a mix of null and non-null partitions), read back as null by ziping's readers. The `year`
column of documents and eval_tables lives in the folder name only, since pandas refuses a
folder key that repeats a column of the files.

One part per document makes re-ingest idempotent (a document's rows are replaced, never
appended twice) and writes atomic: each part is written to a hidden temp file and renamed
into place, and the `documents` part is written last, so a document whose `documents` row
exists is complete. Readers (pandas, DuckDB, Spark) skip dot-files, so a killed run leaves
nothing half-written in view.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from schemas import SchemaError
from schemas.tables import TABLES, arrow_schema

# Written in this order; `documents` last marks the document complete.
DOC_TABLES = ("eval_tables", "indicators", "findings", "claims", "documents")


PARTITION = "year"
UNKNOWN_YEAR = 0  # folder of rows whose year was not printed
Years = Mapping[str, int | None]


def part_name(doc_id: str) -> str:
    return f"part-{doc_id[:16]}.parquet"


def part_path(out: Path, table: str, doc_id: str, year: int | None) -> Path:
    folder = f"{PARTITION}={year if year is not None else UNKNOWN_YEAR}"
    return out / table / folder / part_name(doc_id)


def doc_parts(out: Path, table: str, doc_id: str) -> list[Path]:
    """Every part of `doc_id` in `table`, whatever its year."""
    folder = out / table
    return sorted(folder.rglob(part_name(doc_id))) if folder.is_dir() else []


def partition_years(doc_id: str, year: int | None, tables: Sequence[Any]) -> dict[str, int | None]:
    """Year of each row's partition: a table's own year (else the document's), by table_id,
    and the document's year under its doc_id for rows about no table."""
    years: dict[str, int | None] = {doc_id: year}
    years.update({t.table_id: t.year if t.year is not None else year for t in tables})
    return years


def _year_of(row: Any, years: Years) -> int | None:
    if hasattr(row, PARTITION):
        year: int | None = row.year
        return year
    table_id = getattr(row, "table_id", None)
    if table_id is not None and table_id in years:
        return years[table_id]
    return years.get(row.doc_id)


def file_schema(table: str) -> pa.Schema:
    """The declared schema less the partition key, which the folder name carries."""
    schema = arrow_schema(table)
    index = schema.get_field_index(PARTITION)
    return schema if index < 0 else schema.remove(index)


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
    for field in schema:  # from_pylist does not enforce non-null key columns
        if not field.nullable and data.column(field.name).null_count:
            raise SchemaError(f"{table}: rows do not fit the declared schema: {field.name} is null")
    return data


def write_part(
    out: Path, table: str, doc_id: str, rows: Sequence[Any], years: Years | None = None
) -> None:
    """Replace `doc_id`'s parts of `table` with `rows` (none: remove them), one per year."""
    groups: dict[int | None, list[Any]] = {}
    for row in rows:
        groups.setdefault(_year_of(row, years or {}), []).append(row)
    written = set()
    for year, group in groups.items():
        path = part_path(out, table, doc_id, year)
        data = to_arrow(table, group)
        if PARTITION in data.column_names:
            data = data.drop_columns([PARTITION])
        _write_atomic(data, path)
        written.add(path)
    for stale in doc_parts(out, table, doc_id):  # the year changed, or no rows now
        if stale not in written:
            stale.unlink(missing_ok=True)


def _write_atomic(data: pa.Table, path: Path) -> None:
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
        for part in doc_parts(out, table, doc_id):
            part.unlink(missing_ok=True)


def read_arrow(out: Path, table: str) -> pa.Table:
    """All parts of `table` with the declared schema (empty when none were written)."""
    folder = out / table
    parts = sorted(folder.rglob("part-*.parquet")) if folder.is_dir() else []
    if not parts:
        return arrow_schema(table).empty_table()
    return pa.concat_tables(_read_part(p, table) for p in parts)


def read_part_rows(out: Path, table: str, doc_id: str) -> list[Any]:
    """`doc_id`'s rows of `table` as its declared dataclass, from every year it is in."""
    cls = TABLES[table]
    return [
        cls(**r) for p in doc_parts(out, table, doc_id) for r in _read_part(p, table).to_pylist()
    ]


def _read_part(path: Path, table: str) -> pa.Table:
    schema = arrow_schema(table)
    data = pq.read_table(path, schema=file_schema(table))
    if schema.get_field_index(PARTITION) < 0:
        return data
    key, _, value = path.parent.name.partition("=")
    year = int(value) if key == PARTITION and value.isdigit() else None
    year = None if year == UNKNOWN_YEAR else year
    column = pa.array([year] * data.num_rows, type=schema.field(PARTITION).type)
    data = data.append_column(schema.field(PARTITION), column)
    return data.select(schema.names).cast(schema)


def read_rows(out: Path, table: str) -> list[Any]:
    """All rows of `table` as its declared dataclass."""
    cls = TABLES[table]
    return [cls(**record) for record in read_arrow(out, table).to_pylist()]


def write_run(out: Path, run: Any) -> None:
    """Write (or replace) the `runs` row of one ingest: `runs/part-<run_id>.parquet`."""
    _write_atomic(to_arrow("runs", [run]), out / "runs" / f"part-{run.run_id}.parquet")


def read_documents(out: Path) -> list[Any]:
    """Every complete document's row (what a new run compares files against)."""
    return read_rows(out, "documents")


def recover(out: Path) -> list[str]:
    """Undo what a killed writer left: temp files, and parts of documents that never got their
    `documents` part (incomplete, so a re-run redoes them). Call it holding the folder's lock.
    Returns the doc-id prefixes whose stray parts were removed."""
    documents = out / "documents"
    complete = {p.name for p in documents.rglob("part-*.parquet")} if documents.is_dir() else set()
    stray: set[str] = set()
    for table in (*DOC_TABLES, "runs"):
        folder = out / table
        if not folder.is_dir():
            continue
        for tmp in folder.rglob(".part-*.tmp"):
            tmp.unlink(missing_ok=True)
        if table in DOC_TABLES:
            for part in folder.rglob("part-*.parquet"):
                if part.name not in complete:
                    part.unlink(missing_ok=True)
                    stray.add(part.name[5:-8])
    return sorted(stray)
