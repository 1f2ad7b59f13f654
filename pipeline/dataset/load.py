"""Read the Parquet dataset back: Arrow for code, pandas DataFrames for auditors.

The dataset is `<data>/<table>/year=Y/province=P/part-*.parquet`, the files its committed
manifest names (`<data>/_ziping/manifest.json`). Files are read with the *declared* schema
(`schemas.tables.arrow_schema`), so a part written before a column was added reads with that
column null, and a table that was never written (no claims, zero findings) reads as an empty
table of the right shape instead of an error. The store partitions by year and province
(`year=2024/province=广东省/`); `year=0` and `province=未知` hold rows whose year or province
is not known and read back as null; every partitioned table reads with both columns.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyarrow as pa

from pipeline.dataset import partition, store
from schemas.errors import ZipingError
from schemas.tables import (
    TABLES,
    ClaimRow,
    DocumentRow,
    EvalTableRow,
    FindingRow,
    IndicatorRow,
    RunRow,
)

if TYPE_CHECKING:  # pandas (~0.5 s, ~40 MB) only where a DataFrame is made: the writer and
    import pandas as pd  # `ziping ingest` read rows through this module and never need it

R = TypeVar("R", DocumentRow, EvalTableRow, IndicatorRow, FindingRow, ClaimRow, RunRow)
TABLE_OF: dict[type[Any], str] = {row_type: name for name, row_type in TABLES.items()}

PART_GLOB = "part-*.parquet"
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"  # the folder pyarrow and Spark write for a null key

# Columns with a handful of distinct values (codes, units, labels): categoricals make them
# cheap to hold and let `value_counts`/`groupby` list every category, even an empty one.
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "documents": ("format", "status", "profile", "parser_version"),
    "eval_tables": ("kind", "budget_unit", "grade_stated", "grade_recomputed", "profile"),
    "indicators": (
        "level1",
        "level2",
        "indicator_concept",
        "target_op",
        "target_unit",
        "target_base_unit",
        "actual_op",
        "actual_unit",
        "actual_base_unit",
        "score_rule",
    ),
    "findings": ("code", "severity"),
    "claims": ("kind",),
    "runs": ("version", "profile"),
}


def check_table(table: str) -> None:
    """Raise a `ZipingError` naming the known tables when `table` is not one of them."""
    if table not in TABLES:
        known = ", ".join(TABLES)
        raise ZipingError(f"unknown table {table!r}; the dataset has: {known}")


def part_files(data: Path, table: str) -> list[Path]:
    """The committed Parquet files of `table` (the manifest's; see pipeline/dataset/store.py),
    in a stable order; files of a running write are not among them."""
    check_table(table)
    return store.read_manifest(data).paths(data, table)


def present(data: Path) -> list[str]:
    """Tables that have at least one part under `data`, in declaration order."""
    manifest = store.read_manifest(data)
    return [name for name in TABLES if manifest.paths(data, name)]


def read_arrow(data: Path, table: str) -> pa.Table:
    """All rows of `table` with its declared schema (empty, not missing, when never written),
    from one committed state of the dataset (`store.pinned` holds one across calls)."""
    check_table(table)
    manifest = store.read_manifest(data)
    keys = bool(partition.in_folders(manifest.paths(data, table)))
    return store.read_arrow(data, table, manifest, keys=keys)


def read_table(data: Path, row_type: type[R]) -> list[R]:
    """Every stored row of one table as its declared row type (`read_table(data, FindingRow)`),
    from one committed state of the dataset: the typed reader the report and rescore use."""
    name = TABLE_OF[row_type]
    return typed(row_type, store.read_arrow(data, name, store.read_manifest(data)))


def typed(row_type: type[R], rows: pa.Table) -> list[R]:
    """Arrow rows with the declared columns of `row_type`'s table (as `store.read_arrow` and
    the writer read them) as that row type. Arrow lists come back as the tuples the rows
    declare (a finding's `bbox`), so a row read back equals the row written."""
    typed_rows = []
    for record in rows.to_pylist():
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in record.items()
        }
        typed_rows.append(row_type(**values))
    return typed_rows


def read_rows(data: Path, table: str) -> list[dict[str, Any]]:
    """Rows as plain Python dicts (None for null), `year` and `province` included: for code
    that works on any table by column name (dataset diffs, coverage counts)."""
    rows: list[dict[str, Any]] = read_arrow(data, table).to_pylist()
    return rows


def _nullable_dtype(arrow_type: pa.DataType) -> Any:
    """Pandas nullable dtypes for ints and bools, so a null page stays an integer column."""
    import pandas as pd  # noqa: PLC0415  (see the import at the top)

    if pa.types.is_int32(arrow_type):
        return pd.Int32Dtype()
    if pa.types.is_int64(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def to_frame(table: pa.Table, name: str) -> pd.DataFrame:
    """Arrow -> pandas with nullable ints/bools and the table's low-cardinality categoricals."""
    mapper: Callable[[pa.DataType], Any] = _nullable_dtype
    frame: pd.DataFrame = table.to_pandas(types_mapper=mapper)
    for column in CATEGORICAL.get(name, ()):
        if column in frame.columns:
            frame[column] = frame[column].astype("category")
    return frame


def load(data: Path, table: str) -> pd.DataFrame:
    """Table `table` of the dataset at `data` as a DataFrame (empty with its columns if absent)."""
    return to_frame(read_arrow(data, table), table)


_TABLE_CONTEXT = {
    "seq": "table_seq",
    "kind": "table_kind",
    "title": "table_title",
    "year": "year",
    "project_name": "project_name",
    "department": "department",
    "implementer": "implementer",
    "total_stated": "table_total_stated",
    "total_recomputed": "table_total_recomputed",
    "page": "table_page",
    "line": "table_line",
}
_DOCUMENT_CONTEXT = {"path": "path", "title": "doc_title", "org": "org", "status": "doc_status"}


def indicators_in_context(data: Path) -> pd.DataFrame:
    """Every indicator row beside its table (项目名称, 主管部门, 实施单位, totals) and document.

    Adds `finding_codes`: the finding codes raised on that row, comma-joined ("" when none),
    so an auditor can filter rows with problems without a second join.
    """
    indicators = load(data, "indicators")
    tables = load(data, "eval_tables")[["table_id", *_TABLE_CONTEXT]].rename(columns=_TABLE_CONTEXT)
    documents = load(data, "documents")[["doc_id", *_DOCUMENT_CONTEXT]].rename(
        columns=_DOCUMENT_CONTEXT
    )
    merged = indicators.merge(tables, on="table_id", how="left")
    merged = merged.merge(documents, on="doc_id", how="left")
    findings = load(data, "findings")
    codes: dict[str, set[str]] = {}
    for indicator_id, code in zip(findings["indicator_id"], findings["code"], strict=True):
        if isinstance(indicator_id, str):
            codes.setdefault(indicator_id, set()).add(str(code))
    merged["finding_codes"] = [",".join(sorted(codes.get(i, ()))) for i in merged["indicator_id"]]
    return merged
