"""Partitions `year=` / `province=`: the folders a real ingest writes, what pandas, pyarrow and
DuckDB read from them without ziping, what ziping reads and counts, and the move of a dataset
written by year alone (pipeline/dataset/relayout.py)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from bench import corpus
from pipeline.batch.document import DocResult
from pipeline.batch.ingest import ingest
from pipeline.batch.rescore import rescore_dataset
from pipeline.cli import main
from pipeline.dataset import load, partition, query, relayout, store
from schemas import SchemaError
from schemas.profile import Profile, load_profile
from schemas.tables import DocumentRow, arrow_schema
from tests.scale_helpers import snapshot

# The unit each generated report is given, in turn, and the province it names.
UNITS = {
    "广州市文化和旅游局": "广东省",
    "湖北省武汉市江岸区教育局": "湖北省",
    "成都市青羊区卫生健康局": "四川省",
    "某县农业农村局": None,  # names no place
}
# indicator rows of the eight reports (bench/corpus.py, seed 11) by folder
ROWS = {
    ("四川省", 2024): 26,
    ("广东省", 2022): 8,
    ("广东省", 2023): 6,
    ("湖北省", 2023): 8,
    ("湖北省", 2024): 5,
    ("未知", 2023): 6,
    ("未知", 2024): 4,
}
FOLDERS = [f"year={y}/province={p}" for p, y in sorted(ROWS, key=lambda k: (k[1], k[0]))]
ALL_DOCUMENTS = ["year=0/province=未知", *FOLDERS]  # + the text with no table, year or place


def reports() -> dict[str, tuple[str, str | None, int | None]]:
    """Eight generated reports given the units above in turn, and one text with no table,
    year or place: file name -> (text, province, year) as planted."""
    made: dict[str, tuple[str, str | None, int | None]] = {}
    units = list(UNITS)
    for i in range(8):
        name, data, _ = corpus.document(i, 11, "txt")
        text = data.decode("utf-8")
        printed = next(org for org in corpus.ORGS if org in text)
        unit = units[i % len(units)]
        year = int(text.split("年度部门决算")[0][-4:])  # the title: <unit>2023年度部门决算
        made[name] = (text.replace(printed, unit), UNITS[unit], year)
    made["undated.txt"] = ("没有年度的说明文字\n", None, None)
    return made


PLANTED = {name: (province, year) for name, (_, province, year) in reports().items()}


@pytest.fixture(scope="module")
def placed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports ingested with `ziping ingest`; tests that write work on copies."""
    root = tmp_path_factory.mktemp("placed")
    (root / "in").mkdir()
    for name, (text, _, _) in reports().items():
        (root / "in" / name).write_text(text, encoding="utf-8")
    args = ["ingest", str(root / "in"), "--out", str(root / "out"), "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return root / "out"


def _by_folder(frame: pd.DataFrame) -> dict[tuple[str, int], int]:
    """Rows by (province, year); a null province counted as its folder names it."""
    pairs = zip(frame["province"], frame["year"], strict=True)
    return dict(Counter((p if isinstance(p, str) else "未知", int(y)) for p, y in pairs))


def _folders(out: Path, table: str) -> list[str]:
    return sorted({p.parent.relative_to(out / table).as_posix() for p in _parts(out, table)})


def _parts(out: Path, table: str) -> list[Path]:
    return sorted((out / table).rglob("part-*.parquet"))


def test_every_table_is_filed_by_year_then_province(placed: Path) -> None:
    assert _folders(placed, "documents") == sorted(ALL_DOCUMENTS)
    assert _folders(placed, "eval_tables") == sorted(FOLDERS)
    assert _folders(placed, "indicators") == sorted(FOLDERS)
    assert _folders(placed, "findings") == [
        "year=2023/province=广东省",
        "year=2023/province=未知",
        "year=2023/province=湖北省",
        "year=2024/province=四川省",
    ]
    assert _folders(placed, "runs") == ["."]  # a log of runs, about no place or year
    for table in store.DOC_TABLES:  # a key in the folder name only: never also in the file
        for part in _parts(placed, table):
            assert not {"year", "province"} & set(pq.read_schema(part).names), part


def test_pandas_and_pyarrow_read_year_and_province_as_columns(placed: Path) -> None:
    indicators = pd.read_parquet(placed / "indicators")
    assert _by_folder(indicators) == ROWS
    documents = pd.read_parquet(placed / "documents")
    read = {Path(p).name: (v, int(y)) for p, v, y in documents[["path", "province", "year"]].values}
    assert read == {name: (p or "未知", y or 0) for name, (p, y) in PLANTED.items()}
    # pyarrow (and pandas' `filters`) open only the folders a filter on the province names
    dataset = pads.dataset(placed / "indicators", partitioning="hive")
    hubei = dataset.get_fragments(filter=pc.field("province") == "湖北省")
    assert sorted("/".join(Path(f.path).parts[-3:-1]) for f in hubei) == [
        "year=2023/province=湖北省",
        "year=2024/province=湖北省",
    ]


def _files_read(plan: dict[str, Any]) -> list[str]:
    """The files a profiled DuckDB query opened (its scans' `Filename(s)`)."""
    found: list[str] = []
    for node in plan.get("operator", plan.get("children", [])):
        names = node.get("extra_info", {}).get("Filename(s)")
        found += names.split(", ") if names else []
        found += _files_read(node)
    return found


def _folders_read(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    con.execute("PRAGMA enable_profiling = 'json'")
    plan = json.loads(con.sql(f"EXPLAIN ANALYZE {sql}").fetchall()[-1][1])
    return sorted("/".join(Path(name).parts[-3:-1]) for name in _files_read(plan))


def test_duckdb_reads_them_and_opens_only_the_folders_asked_for(placed: Path) -> None:
    con = duckdb.connect()
    source = f"read_parquet('{placed}/indicators/**/*.parquet', hive_partitioning = true)"
    rows = con.sql(f"SELECT province, year, count(*) FROM {source} GROUP BY ALL").fetchall()
    assert {(p, y): n for p, y, n in rows} == ROWS
    hubei = f"SELECT sum(weight) FROM {source} WHERE province = '湖北省'"
    assert _folders_read(con, hubei) == ["year=2023/province=湖北省", "year=2024/province=湖北省"]


def test_ziping_query_counts_by_province_and_shows_unknown_as_null(placed: Path) -> None:
    sql = "SELECT province, count(*) FROM indicators GROUP BY 1 ORDER BY 1"
    args = ["query", sql, "--data", str(placed), "--format", "csv"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "province,count_star()",
        "四川省,26",
        "广东省,14",
        "湖北省,13",
        ",10",
    ]
    # ziping's views still open only the folders of the province asked for
    hubei = "SELECT sum(weight) FROM indicators WHERE province = '湖北省'"
    con = query.connect(placed, hubei)
    assert _folders_read(con, hubei) == ["year=2023/province=湖北省", "year=2024/province=湖北省"]
    nowhere = "SELECT year, count(*) FROM documents WHERE province IS NULL GROUP BY 1 ORDER BY 1"
    assert query.run_query(placed, nowhere).to_dict("records") == [
        {"year": 2023, "count_star()": 1},
        {"year": 2024, "count_star()": 1},
        {"year": None, "count_star()": 1},
    ]


def test_ziping_readers_show_unknown_as_null(placed: Path) -> None:
    read = {Path(d.path).name: (d.province, d.year) for d in load.read_table(placed, DocumentRow)}
    assert read == PLANTED
    indicators = load.load(placed, "indicators")
    assert indicators["province"].isna().sum() == 10
    assert _by_folder(indicators) == ROWS


def test_a_province_that_cannot_name_a_folder_is_refused(seed004: DocResult) -> None:
    for bad in ("广东/省", "未知", "", ".广东省", "a=b"):
        document = dataclasses.replace(seed004.document, province=bad)
        with pytest.raises(SchemaError, match="cannot name a folder"):
            store.with_partition("documents", [document], partition.folders(document, []))


# --- a dataset written by year alone ------------------------------------------------------


def by_year_alone(out: Path, per_document: bool = False) -> None:
    """Rewrite `out` as the ziping before province folders left it: `year=Y/part-….parquet`
    with `province` inside the files of the tables that declare it; `per_document`: one part
    per document and no manifest or index, as before manifests."""
    manifest = store.read_manifest(out)
    files = {}
    for table, names in manifest.files.items():
        merged: dict[str, list[pa.Table]] = {}
        for name in names:
            path = out / table / name
            data = store.read_part(path, table)
            kept = [n for n in arrow_schema(table).names if n != "year" and n in data.column_names]
            merged.setdefault(f"year={partition.named(path)['year']}/{path.name}", []).append(
                data.select(kept)
            )
            path.unlink()
            path.parent.rmdir()
        for name, parts in merged.items():
            data = pa.concat_tables(parts)
            if not per_document:
                pq.write_table(data, out / table / name)
                continue
            for doc_id in sorted(set(data.column("doc_id").to_pylist())):
                rows = data.filter(pc.equal(data.column("doc_id"), doc_id))
                pq.write_table(
                    rows, out / table / Path(name).with_name(f"part-{doc_id[:12]}.parquet")
                )
        files[table] = sorted(merged)
    if per_document:
        shutil.rmtree(out / store.META)
    else:
        store.write_manifest(out, dataclasses.replace(manifest, files=files))


def _records(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame.itertuples(index=False)]


def _copy(placed: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(placed, out)
    return out


@pytest.mark.parametrize("per_document", [False, True])
def test_a_dataset_by_year_alone_is_read_then_moved_by_the_next_ingest(
    placed: Path, tmp_path: Path, central: Profile, per_document: bool
) -> None:
    clean = snapshot(placed)
    out = _copy(placed, tmp_path)
    by_year_alone(out, per_document)
    assert {p.parent.parent.name for p in _parts(out, "indicators")} == {"indicators"}
    assert snapshot(out) == clean  # read as it is
    sql = "SELECT province, count(*) AS n FROM documents GROUP BY 1 ORDER BY 1"
    by_province = [("四川省", 2), ("广东省", 2), ("湖北省", 2), (None, 3)]
    assert _records(query.run_query(out, sql)) == by_province
    again = ingest(sorted((placed.parent / "in").iterdir()), out, central)
    assert again.skipped == 9  # kept, not read again
    manifest = store.read_manifest(out)
    assert manifest.laid_out()
    assert _folders(out, "indicators") == sorted(FOLDERS)  # the old parts: hidden, retired
    assert snapshot(out) == clean
    assert _by_folder(pd.read_parquet(out / "indicators")) == ROWS
    assert _records(query.run_query(out, sql)) == by_province


def test_a_move_killed_before_its_commit_is_done_again(
    placed: Path, tmp_path: Path, central: Profile
) -> None:
    clean = snapshot(placed)
    out = _copy(placed, tmp_path)
    by_year_alone(out)
    moved = relayout.relayout(out, store.read_manifest(out))  # its files, then the kill
    old = ["year=2022", "year=2023", "year=2024"]
    assert moved is not None and _folders(out, "indicators") == sorted(old + FOLDERS)
    assert snapshot(out) == clean  # nothing committed: readers see the year-only parts
    again = ingest(sorted((placed.parent / "in").iterdir()), out, central)
    assert again.skipped == 9 and snapshot(out) == clean
    assert _folders(out, "indicators") == sorted(FOLDERS)


def test_rescore_moves_a_dataset_by_year_alone(placed: Path, tmp_path: Path) -> None:
    provincial = load_profile("provincial")
    direct = _copy(placed, tmp_path / "direct")
    rescore_dataset(direct, provincial)
    out = _copy(placed, tmp_path / "old")
    by_year_alone(out)
    rescore_dataset(out, provincial)
    assert snapshot(out) == snapshot(direct)
    assert _folders(out, "indicators") == sorted(FOLDERS)
    assert load.read_rows(out, "indicators") == load.read_rows(direct, "indicators")
