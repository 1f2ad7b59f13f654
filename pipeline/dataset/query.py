"""SQL over the dataset with DuckDB: one view per table present (per table the SQL names,
when it names any), results as rows of Python values (`fetch`, what `ziping query`
renders through pipeline/dataset/results.py) or as a DataFrame (`run_query`).

Views read the committed Parquet files in place (the manifest's list, so a query during an
ingest sees one committed state; `read_parquet` with hive partitioning and `union_by_name`,
so `year=`/`province=` folders and parts written before a column was added both work).
A table with no rows yet is an empty view with its declared columns; asking for a table
that is not declared is an `Error:` that lists the tables that are there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb

from pipeline.dataset import load as dataset
from pipeline.dataset import partition, store
from pipeline.dataset.results import Result
from schemas.errors import ZipingError
from schemas.tables import arrow_schema

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")
_WORD = re.compile(r"\w+")  # a table named in SQL is one of its words


class QueryError(ZipingError):
    """The SQL did not run: DuckDB's message, plus the views that exist."""


def _sql_string(text: str) -> str:
    """A SQL string literal (DuckDB doubles embedded single quotes)."""
    return "'" + text.replace("'", "''") + "'"


def _sql_literal(value: int | str) -> str:
    return _sql_string(value) if isinstance(value, str) else str(value)


def connect(data: Path, sql: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table present under `data`; given the
    `sql` it is for, only the views that SQL names (see `_named`)."""
    tables = dataset.present(data)
    if not tables:
        raise QueryError(
            f"no dataset under {data}: expected <table>/part-*.parquet folders; "
            "run `ziping ingest PATH --out DIR` first"
        )
    con = duckdb.connect(":memory:")
    # a view's files are read once to bind it and again by the query: keep their footers
    con.execute("SET parquet_metadata_cache = true")
    manifest = store.read_manifest(data)  # one committed state for every view
    for table in _named(tables, sql):
        paths = manifest.paths(data, table)
        files = ", ".join(_sql_string(str(p.resolve())) for p in paths)
        source = f"read_parquet([{files}], hive_partitioning = true, union_by_name = true)"
        # year=0 and province=未知 are the folders of rows whose year or province is not
        # known: null, as in ziping's other readers
        keys = partition.in_folders(paths)
        nulls = [f"NULLIF({k}, {_sql_literal(partition.UNKNOWN[k])}) AS {k}" for k in keys]
        columns = f"* REPLACE ({', '.join(nulls)})" if nulls else "*"
        con.execute(f"CREATE VIEW {table} AS SELECT {columns} FROM {source}")
    if not manifest.legacy:  # a committed dataset has every table, if only with no rows yet
        for table in store.DOC_TABLES:
            if table not in tables:
                con.from_arrow(arrow_schema(table).empty_table()).create_view(table)
    return con


def _named(tables: list[str], sql: str | None) -> list[str]:
    """The tables `sql` names as a word, or all of them when it names none (SHOW TABLES, a
    look at information_schema) or no SQL is given. Creating a view reads the footer of
    every Parquet file behind it (union_by_name): at 2,000 documents, views nobody asked
    for were most of a count's time."""
    if sql is None:
        return tables
    words = {w.lower() for w in _WORD.findall(sql)}
    return [t for t in tables if t in words] or tables


def fetch(data: Path, sql: str) -> Result:
    """Run `sql` against the dataset at `data`: its column names and rows as DuckDB returns
    them (no rows and no columns for a statement such as CREATE VIEW). What `ziping query`
    prints: no DataFrame between DuckDB and the writers, so no pandas to import."""

    def take(con: duckdb.DuckDBPyConnection) -> Result:
        return Result([d[0] for d in con.description or ()], con.fetchall())

    return _answer(data, sql, take, Result([], []))


def run_query(data: Path, sql: str) -> pd.DataFrame:
    """`fetch` as a pandas DataFrame, for Python callers (imports pandas)."""
    import pandas as pd  # noqa: PLC0415  (~0.6 s: only for callers who want a DataFrame)

    return _answer(data, sql, lambda con: con.df(), pd.DataFrame())


def _answer(data: Path, sql: str, take: Callable[[duckdb.DuckDBPyConnection], T], empty: T) -> T:
    """`take` applied to the connection once `sql` ran (`empty` for a statement that returns
    no rows); DuckDB's errors as a QueryError naming the views."""
    if not sql.strip().strip(";").strip():
        raise QueryError(
            'no SQL given: e.g. ziping query "SELECT code, count(*) FROM findings GROUP BY code"'
        )
    con = connect(data, sql)
    try:
        con.execute(sql)
        return take(con) if con.description is not None else empty
    except duckdb.Error as exc:
        views = ", ".join(dataset.present(data))
        first = str(exc).strip().splitlines()[0]
        raise QueryError(f"{first} (views: {views})") from exc
    finally:
        con.close()


def export_duckdb(data: Path, target: Path) -> list[str]:
    """Copy every table of the dataset into one DuckDB file (for DuckDB, BI tools, or
    Datasette through its DuckDB plugin); returns the tables written. An existing file is
    replaced."""
    target.unlink(missing_ok=True)
    con = connect(data)
    try:
        tables = dataset.present(data)
        con.execute(f"ATTACH {_sql_string(str(target))} AS export")
        for table in tables:
            con.execute(f"CREATE TABLE export.{table} AS SELECT * FROM {table}")
        con.execute("DETACH export")
    except duckdb.Error as exc:
        raise QueryError(f"cannot write {target}: {str(exc).strip().splitlines()[0]}") from exc
    finally:
        con.close()
    return tables
