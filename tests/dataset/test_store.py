from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from pipeline.batch.document import DocResult
from pipeline.batch.ingest import ingest, to_tables
from pipeline.dataset import load, partition, store
from pipeline.dataset.lookup import Stored
from pipeline.dataset.query import run_query
from pipeline.dataset.writer import Writer
from schemas import SchemaError
from schemas.profile import Profile
from schemas.tables import TABLES, DocumentRow, EvalTableRow, IndicatorRow, arrow_schema
from tests.conftest import RAW


def _write(out: Path, result: DocResult) -> None:
    with Writer(out, "test") as writer:
        writer.add(to_tables(result), _stored(result))


def _stored(result: DocResult) -> Stored:
    d = result.document
    return Stored(d.doc_id, d.path, 1, 1, d.profile, d.parser_version, d.format, d.status)


def test_round_trip_is_exact(tmp_path: Path, seed004: DocResult) -> None:
    _write(tmp_path, seed004)
    for table, rows in (
        ("documents", [seed004.document]),
        ("eval_tables", seed004.tables),
        ("indicators", seed004.indicators),
        ("findings", seed004.findings),
    ):
        assert load.read_table(tmp_path, TABLES[table]) == rows, table
        (part,) = store.read_manifest(tmp_path).paths(tmp_path, table)
        folder = part.relative_to(tmp_path / table).parent.as_posix()
        assert folder == "year=2024/province=新疆维吾尔自治区", table
        assert part.name == "part-test-00001.parquet"
        schema = pq.read_schema(part)
        assert schema.equals(partition.file_schema(table), check_metadata=False)
        for field in schema:
            assert field.metadata[b"zh"].decode(), (table, field.name)
    assert arrow_schema("indicators").field("level3").metadata[b"zh"].decode() == "三级指标"
    assert (
        str(arrow_schema("eval_tables").field("budget_executed_yuan").type) == "decimal128(22, 4)"
    )


def test_pandas_reads_the_folder_as_the_readme_shows(tmp_path: Path, central: Profile) -> None:
    ingest(sorted(RAW.iterdir()), tmp_path, central)
    indicators = pd.read_parquet(tmp_path / "indicators")
    assert len(indicators) == 93
    documents = pd.read_parquet(tmp_path / "documents")
    assert sorted(documents.status) == ["no_tables", "no_tables", "ok"]


def test_reingest_replaces_rows(tmp_path: Path, central: Profile) -> None:
    files = sorted(RAW.iterdir())
    ingest(files, tmp_path, central)
    ingest(files, tmp_path, central)
    assert len(load.read_table(tmp_path, IndicatorRow)) == 93
    assert len(load.read_table(tmp_path, DocumentRow)) == 3
    assert not list(tmp_path.rglob(".*.tmp"))


def test_changed_file_replaces_its_old_rows(tmp_path: Path, central: Profile) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    seed = RAW / "004_d94ddf866f172c18.txt"
    copy = folder / seed.name
    copy.write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    ingest([copy], out, central)
    copy.write_text(seed.read_text("utf-8").replace("\t91.23分\n", "\t93.23分\n"), "utf-8")
    ingest([copy], out, central)
    documents = load.read_table(out, DocumentRow)
    assert len(documents) == 1 and len(load.read_table(out, IndicatorRow)) == 93


def test_writer_rejects_wrong_rows(tmp_path: Path, seed004: DocResult) -> None:
    with pytest.raises(SchemaError, match="expected IndicatorRow rows, got EvalTableRow"):
        store.to_arrow("indicators", seed004.tables)
    bad = dataclasses.replace(seed004.indicators[0], indicator_id=None)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="do not fit the declared schema"):
        store.to_arrow("indicators", [bad])


def test_every_table_is_declared_with_labels() -> None:
    assert set(TABLES) == {"documents", "eval_tables", "indicators", "findings", "claims", "runs"}
    for name in TABLES:
        schema = arrow_schema(name)
        assert schema.metadata[b"zh"]
        assert all(f.metadata[b"zh"] and f.metadata[b"doc"] for f in schema)


def test_partitioned_by_year_and_read_alike_by_pandas_duckdb_pyarrow(
    tmp_path: Path, central: Profile
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in RAW.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "undated.txt").write_text("没有年度的说明文字\n", encoding="utf-8")
    out = tmp_path / "out"
    ingest(sorted(folder.iterdir()), out, central)
    assert sorted(p.name for p in (out / "indicators").iterdir()) == ["year=2024"]
    assert sorted(p.name for p in (out / "documents").iterdir()) == [
        "year=0",
        "year=2023",
        "year=2024",
    ]
    # pandas straight on the folder: the year is a column
    frame = pd.read_parquet(out / "indicators")
    assert len(frame) == 93 and set(frame["year"].astype(int)) == {2024}
    documents = pd.read_parquet(out / "documents")
    assert sorted(documents["year"].astype(int)) == [0, 2023, 2024, 2024]
    # pyarrow datasets
    table = pads.dataset(out / "eval_tables", partitioning="hive").to_table()
    assert table.num_rows == 9 and set(table.column("year").to_pylist()) == {2024}
    # DuckDB through ziping query, and ziping's own readers: a year not printed is null
    counts = run_query(out, "SELECT year, count(*) AS n FROM documents GROUP BY year ORDER BY year")
    assert counts.to_dict("records") == [
        {"year": 2023, "n": 1},
        {"year": 2024, "n": 2},
        {"year": None, "n": 1},
    ]
    years = sorted((d.year for d in load.read_table(out, DocumentRow)), key=lambda y: y or 0)
    assert years == [None, 2023, 2024, 2024]
    assert {t.year for t in load.read_table(out, EvalTableRow)} == {2024}
