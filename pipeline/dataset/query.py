"""SQL over the dataset with DuckDB: one view per table present (per table the SQL names,
when it names any), results as DataFrames.

Views read the committed Parquet files in place (the manifest's list, so a query during an
ingest sees one committed state; `read_parquet` with hive partitioning and `union_by_name`,
so year folders and parts written before a column was added both work).
A table with no rows yet is an empty view with its declared columns; asking for a table
that is not declared is an `Error:` that lists the tables that are there.
"""

from __future__ import annotations

import json
import re
import warnings
from datetime import datetime
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from pipeline.dataset import load as dataset
from pipeline.dataset import store
from schemas.errors import ZipingError
from schemas.tables import arrow_schema

Format = Literal["table", "csv", "json", "xlsx"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json", "xlsx")
_WORD = re.compile(r"\w+")  # a table named in SQL is one of its words
NULL = "NULL"  # how a null prints in the aligned table; CSV and XLSX leave the cell empty


class QueryError(ZipingError):
    """The SQL did not run: DuckDB's message, plus the views that exist."""


def _sql_string(text: str) -> str:
    """A SQL string literal (DuckDB doubles embedded single quotes)."""
    return "'" + text.replace("'", "''") + "'"


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
        files = ", ".join(_sql_string(str(p.resolve())) for p in manifest.paths(data, table))
        source = f"read_parquet([{files}], hive_partitioning = true, union_by_name = true)"
        partitioned = any(p.parent != data / table for p in manifest.paths(data, table))
        # year=0 is the folder of rows whose year was not printed: a null year, as in pandas
        columns = f"* REPLACE (NULLIF({store.PARTITION}, {store.UNKNOWN_YEAR}) AS year)"
        con.execute(
            f"CREATE VIEW {table} AS SELECT {columns if partitioned else '*'} FROM {source}"
        )
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


def run_query(data: Path, sql: str) -> pd.DataFrame:
    """Run `sql` against the dataset at `data` and return the result (empty for a statement
    that returns no rows, such as CREATE VIEW)."""
    if not sql.strip().strip(";").strip():
        raise QueryError(
            'no SQL given: e.g. ziping query "SELECT code, count(*) FROM findings GROUP BY code"'
        )
    con = connect(data, sql)
    try:
        con.execute(sql)
        return con.df() if con.description is not None else pd.DataFrame()
    except duckdb.Error as exc:
        views = ", ".join(dataset.present(data))
        first = str(exc).strip().splitlines()[0]
        raise QueryError(f"{first} (views: {views})") from exc
    finally:
        con.close()


def render(frame: pd.DataFrame, fmt: Format) -> str:
    """The result as an aligned text table, CSV (with header) or a JSON array of objects."""
    if fmt == "xlsx":
        raise QueryError("--format xlsx writes a file: give it with --output FILE.xlsx")
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso"))
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if frame.empty:
        return f"(0 rows; columns: {', '.join(map(str, frame.columns))})\n"
    # Chinese characters take two terminal columns; pandas pads by them only when told to.
    with pd.option_context("display.unicode.east_asian_width", True):
        shown = frame.astype(object).where(frame.notna(), NULL)  # None, NaN, NaT, <NA> alike
        text = shown.to_string(index=False, max_colwidth=60)
    return f"{text}\n({len(frame)} rows)\n"


def write_xlsx(frame: pd.DataFrame, target: Path) -> None:
    """The result as one sheet held in an Excel Table (filter and sort on every column), header
    frozen, nulls as empty cells. Text is stored as text, never as a formula (`=…` in a cell
    of a report stays what was printed)."""
    from openpyxl import Workbook  # noqa: PLC0415  (openpyxl only for this format)
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo  # noqa: PLC0415

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("查询结果")
    headers = _unique_headers([str(c) for c in frame.columns]) or ["(no columns)"]
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ref = f"A1:{get_column_letter(len(headers))}{max(len(frame), 1) + 1}"
        table = Table(displayName="query_result", ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        # a write-only sheet cannot read its header back: name the columns here
        table.tableColumns = [TableColumn(id=i, name=n) for i, n in enumerate(headers, 1)]
        with warnings.catch_warnings():  # openpyxl warns in write-only mode even when named
            warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
            ws.add_table(table)
    ws.append(headers)
    for record in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        cells = []
        for value in record:
            cell = WriteOnlyCell(ws, value=_excel_value(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
            cells.append(cell)
        ws.append(cells)
    if frame.empty and len(frame.columns):
        ws.append([None] * len(headers))  # an Excel Table needs one body row
    wb.save(target)


def _unique_headers(names: list[str]) -> list[str]:
    """Excel Tables refuse two columns of the same name: `n`, `n_2`, …"""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _excel_value(value: object) -> str | float | datetime | None:
    """Cell value openpyxl can store: numbers, text, naive datetimes (Excel has no zones)."""
    if value is None or isinstance(value, int | float | str):
        return value  # bool is an int
    if isinstance(value, pd.Timestamp | datetime):
        return value.replace(tzinfo=None)
    return str(value)


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
