"""SQL over the dataset with DuckDB: one view per table present, results as DataFrames.

Views read the committed Parquet files in place (the manifest's list, so a query during an
ingest sees one committed state; `read_parquet` with hive partitioning and `union_by_name`,
so year folders and parts written before a column was added both work).
A table the dataset does not hold gets no view; asking for it is an `Error:` that lists
the tables that are there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from pipeline.dataset import load as dataset
from pipeline.dataset import store
from schemas.errors import ZipingError

Format = Literal["table", "csv", "json"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json")


class QueryError(ZipingError):
    """The SQL did not run: DuckDB's message, plus the views that exist."""


def _sql_string(text: str) -> str:
    """A SQL string literal (DuckDB doubles embedded single quotes)."""
    return "'" + text.replace("'", "''") + "'"


def connect(data: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table present under `data`."""
    tables = dataset.present(data)
    if not tables:
        raise QueryError(
            f"no dataset under {data}: expected <table>/part-*.parquet folders; "
            "run `ziping ingest PATH --out DIR` first"
        )
    con = duckdb.connect(":memory:")
    manifest = store.read_manifest(data)  # one committed state for every view
    for table in tables:
        files = ", ".join(_sql_string(str(p.resolve())) for p in manifest.paths(data, table))
        source = f"read_parquet([{files}], hive_partitioning = true, union_by_name = true)"
        partitioned = any(p.parent != data / table for p in manifest.paths(data, table))
        # year=0 is the folder of rows whose year was not printed: a null year, as in pandas
        columns = f"* REPLACE (NULLIF({store.PARTITION}, {store.UNKNOWN_YEAR}) AS year)"
        con.execute(
            f"CREATE VIEW {table} AS SELECT {columns if partitioned else '*'} FROM {source}"
        )
    return con


def run_query(data: Path, sql: str) -> pd.DataFrame:
    """Run `sql` against the dataset at `data` and return the result."""
    con = connect(data)
    try:
        return con.execute(sql).df()
    except duckdb.Error as exc:
        views = ", ".join(dataset.present(data))
        first = str(exc).strip().splitlines()[0]
        raise QueryError(f"{first} (views: {views})") from exc
    finally:
        con.close()


def render(frame: pd.DataFrame, fmt: Format) -> str:
    """The result as an aligned text table, CSV (with header) or a JSON array of objects."""
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso"))
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if frame.empty:
        return f"(0 rows; columns: {', '.join(map(str, frame.columns))})\n"
    # Chinese characters take two terminal columns; pandas pads by them only when told to.
    with pd.option_context("display.unicode.east_asian_width", True):
        text = frame.to_string(index=False, na_rep="NULL", max_colwidth=60)
    return f"{text}\n({len(frame)} rows)\n"
