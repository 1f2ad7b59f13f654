"""Which folder a row's file sits in: `<table>/year=<Y>/province=<name>/part-<batch>.parquet`.

Hive-style folders, so pandas, pyarrow datasets, DuckDB and Spark read `year` and `province`
as columns of every table, and a query filtered on either opens only the folders it names.
A key lives in the folder name only (pandas refuses a key that is also a column of the file,
DuckDB silently takes the folder's value): documents, eval_tables and findings, which declare
`province` (documents and eval_tables `year` too), drop it from their files; indicators and
claims, which declare neither, gain both from the folder.

Which folder: a row that declares a key is filed by its own value (so it reads back as
written); any other row by the table it belongs to (its year and province, else the
document's: ingest gives a table its document's place when its own units name none), else
by its document. A table's rows, findings and indicators so sit beside the table.

The province is the name as resolved (`广东省`, pipeline/extract/region.py), what an auditor
filters on. Not known: `year=0` and `province=未知`, not Hive's null folder
(`__HIVE_DEFAULT_PARTITION__`): pyarrow cannot turn a mix of null and named partitions into
pandas ("Cannot yet unify dictionaries with nulls"), so `pd.read_parquet` on the folder would
fail. pandas and a plain DuckDB glob show 0 and 未知; ziping's readers (store, load, query)
show null.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from schemas import SchemaError
from schemas.tables import DocumentRow, EvalTableRow, arrow_schema

YEAR, PROVINCE = "year", "province"
KEYS = (YEAR, PROVINCE)  # in folder order: year=…/province=…/
FIELDS = {YEAR: pa.field(YEAR, pa.int32()), PROVINCE: pa.field(PROVINCE, pa.string())}
UNKNOWN_YEAR = 0
UNKNOWN_PROVINCE = "未知"
UNKNOWN: dict[str, int | str] = {YEAR: UNKNOWN_YEAR, PROVINCE: UNKNOWN_PROVINCE}
# What a folder name may not hold: separators, Hive's `=` and `%` escapes, Windows' reserved
# characters; a leading `.` or `_` would hide the folder from pandas, pyarrow and Spark.
UNSAFE = re.compile(r'[/\\=%:*?"<>|\x00-\x1f]|^[._]')


@dataclass(frozen=True, slots=True)
class Folder:
    """A row's partition: its year and province (None: not known)."""

    year: int | None
    province: str | None


def folders(document: DocumentRow, tables: Sequence[EvalTableRow]) -> dict[str, Folder]:
    """The partition of what rows can be about: each table's (its own year and province, else
    the document's) under its table_id, the document's under its doc_id."""
    here = Folder(document.year, document.province)
    about = {document.doc_id: here}
    for t in tables:
        year = t.year if t.year is not None else here.year
        about[t.table_id] = Folder(year, t.province if t.province is not None else here.province)
    return about


def file_schema(table: str) -> pa.Schema:
    """The declared schema less the keys, which the folder names carry."""
    schema = arrow_schema(table)
    for key in KEYS:
        index = schema.get_field_index(key)
        if index >= 0:
            schema = schema.remove(index)
    return schema


def with_keys(schema: pa.Schema) -> pa.Schema:
    """`schema` with the keys it does not declare appended (how ziping reads a table with its
    partition: indicators gain `year` and `province`)."""
    for key in KEYS:
        if schema.get_field_index(key) < 0:
            schema = schema.append(FIELDS[key])
    return schema


def keyed(data: pa.Table, rows: Sequence[Any], about: dict[str, Folder]) -> pa.Table:
    """`data` (the Arrow of `rows`) less its keys, plus `year` and `province` last as folder
    values (0 and 未知 when not known): what a writer groups into folders (`split`)."""
    years, provinces = [], []
    for row in rows:
        table_id = getattr(row, "table_id", None)
        folder = about.get(table_id) if table_id in about else about.get(row.doc_id)
        folder = folder or Folder(None, None)
        years.append(row.year if hasattr(row, YEAR) else folder.year)
        provinces.append(row.province if hasattr(row, PROVINCE) else folder.province)
    data = data.drop_columns([k for k in KEYS if k in data.column_names])
    keys = pa.table({YEAR: pa.array(years, pa.int32()), PROVINCE: pa.array(provinces, pa.string())})
    return folder_values(data, keys)


def folder_values(data: pa.Table, keys: pa.Table) -> pa.Table:
    """`data` with the `year` and `province` of `keys` appended as they name folders."""
    for name in pc.unique(keys.column(PROVINCE).drop_null()).to_pylist():
        if not name or UNSAFE.search(name) or name == UNKNOWN_PROVINCE:
            raise SchemaError(f"province {name!r} cannot name a folder")
    for key in KEYS:
        data = data.append_column(FIELDS[key], keys.column(key).fill_null(UNKNOWN[key]))
    return data


def split(data: pa.Table) -> list[tuple[str, pa.Table]]:
    """`data` (keys last, as `keyed` gives it) by folder (`year=2024/province=广东省`), each
    less the keys, in folder order; rows keep their order within a folder."""
    rows: dict[tuple[int, str], list[int]] = {}
    pairs = zip(data.column(YEAR).to_pylist(), data.column(PROVINCE).to_pylist(), strict=True)
    for n, pair in enumerate(pairs):
        rows.setdefault(pair, []).append(n)
    body = data.drop_columns(list(KEYS))
    return [(folder_name(*pair), body.take(rows[pair])) for pair in sorted(rows)]


def folder_name(year: int, province: str) -> str:
    return f"{YEAR}={year}/{PROVINCE}={province}"


def named(path: Path) -> dict[str, str]:
    """The `key=value` folders a part sits in (`year=2024`, `province=广东省`)."""
    keys = {}
    for parent in path.parents:
        key, sign, value = parent.name.partition("=")
        if not sign:
            break
        keys[key] = value
    return keys


def in_folders(paths: Iterable[Path]) -> list[str]:
    """The keys the folders of `paths` name, in folder order."""
    found = {key for path in paths for key in named(path)}
    return [key for key in KEYS if key in found]


def add_keys(data: pa.Table, path: Path) -> pa.Table:
    """A part's rows with `year` and `province` last, each from the file when it holds it (a
    part from before the key had a folder, or written by another tool), else from the folder
    the part sits in; null when not known (0, 未知, or no folder)."""
    folder = named(path)
    for key in KEYS:
        if key in data.column_names:
            values = data.column(key)
            data = data.drop_columns([key])
        else:
            value: int | str | None = folder.get(key)
            if key == YEAR:
                value = int(value) if isinstance(value, str) and value.isdigit() else None
            values = pa.chunked_array([pa.array([value] * data.num_rows, FIELDS[key].type)])
        unknown = pc.equal(values, pa.scalar(UNKNOWN[key], FIELDS[key].type))
        values = pc.if_else(unknown, pa.scalar(None, FIELDS[key].type), values)
        data = data.append_column(FIELDS[key], values)
    return data
