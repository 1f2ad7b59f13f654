"""`pipeline.dataset.load`: DataFrames with categoricals, absent tables, context join, hive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.dataset import load as dataset
from pipeline.dataset import query
from schemas.errors import ZipingError
from schemas.tables import columns
from tests.report.test_report_fixtures import DOC_OK, build_dataset


def test_load_types_and_categoricals(tmp_path: Path) -> None:
    frame = dataset.load(build_dataset(tmp_path), "indicators")
    assert list(frame.columns) == [f.name for f in columns("indicators")]
    assert isinstance(frame["level1"].dtype, pd.CategoricalDtype)
    assert isinstance(frame["indicator_concept"].dtype, pd.CategoricalDtype)
    assert frame["page"].dtype == pd.Int32Dtype()  # all null, still an integer column
    assert frame["target_op_inferred"].dtype == pd.BooleanDtype()
    findings = dataset.load(tmp_path, "findings")
    assert findings["code"].value_counts()["TOTAL_MISMATCH"] == 1


def test_absent_table_is_empty_with_columns(tmp_path: Path) -> None:
    data = build_dataset(tmp_path, claims=False)
    claims = dataset.load(data, "claims")
    assert claims.empty
    assert "consistent" in claims.columns
    assert "claims" not in dataset.present(data)


def test_unknown_table_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ZipingError, match="indicators"):
        dataset.load(tmp_path, "indicator")


def test_indicators_in_context(tmp_path: Path) -> None:
    frame = dataset.indicators_in_context(build_dataset(tmp_path))
    assert len(frame) == 3
    row = frame[frame["level3"] == "融媒体宣传服务费"].iloc[0]
    assert row["project_name"] == "科普经费"
    assert row["implementer"] == "科学技术馆"
    assert row["path"] == "data/raw/004_seed.txt"
    assert row["table_total_stated"] == pytest.approx(99.41)
    assert row["finding_codes"] == "REVERSE_SCORED_AS_POSITIVE"
    clean = frame[frame["level3"] == "科普活动场次"].iloc[0]
    assert clean["finding_codes"] == ""


def test_reads_year_partitioned_parts(tmp_path: Path) -> None:
    """Ready for a store that writes `indicators/year=2024/part-*.parquet`."""
    data = build_dataset(tmp_path)
    flat = data / "indicators" / "part-0.parquet"
    nested = data / "indicators" / "year=2024"
    nested.mkdir()
    shutil.move(flat, nested / "part-0.parquet")
    frame = dataset.load(data, "indicators")
    assert len(frame) == 3
    assert set(frame["doc_id"]) >= {DOC_OK}
    assert frame["year"].tolist() == [2024, 2024, 2024]  # the partition key, as DuckDB shows it
    assert query.run_query(data, "SELECT DISTINCT year FROM indicators")["year"].tolist() == [2024]
    unknown = data / "indicators" / f"year={dataset.HIVE_NULL}"
    unknown.mkdir()
    shutil.copy(nested / "part-0.parquet", unknown / "part-0.parquet")
    years = dataset.load(data, "indicators")["year"]
    assert (years.isna().sum(), (years == 2024).sum()) == (3, 3)  # a null year stays a null
