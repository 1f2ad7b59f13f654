"""`pipeline.dataset.query`: DuckDB views over the dataset, three output formats, clear errors."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.dataset import query, results
from tests.report.test_report_fixtures import build_dataset


def test_views_for_present_tables(tmp_path: Path) -> None:
    data = build_dataset(tmp_path)
    frame = query.run_query(data, "SELECT count(*) AS n FROM indicators")
    assert frame["n"].tolist() == [3]
    codes = query.run_query(
        data, "SELECT code, count(*) AS n FROM findings GROUP BY code ORDER BY code"
    )
    assert dict(zip(codes["code"], codes["n"], strict=True)) == {
        "PLACEHOLDER_FIELD": 1,
        "REVERSE_SCORED_AS_POSITIVE": 1,
        "SCORE_MISMATCH": 1,
        "TOTAL_MISMATCH": 1,
    }


def test_auditor_question_total_overstated(tmp_path: Path) -> None:
    """Tables whose printed total differs from the recomputed one, joined with the document."""
    data = build_dataset(tmp_path)
    sql = """
        SELECT d.path, t.project_name, t.total_stated, t.total_recomputed
        FROM eval_tables t JOIN documents d USING (doc_id)
        WHERE abs(t.total_stated - t.total_recomputed) > 0.01
    """
    frame = query.run_query(data, sql)
    assert frame["project_name"].tolist() == ["科普经费"]


def test_absent_table_has_no_view(tmp_path: Path) -> None:
    data = build_dataset(tmp_path, claims=False)
    with pytest.raises(query.QueryError, match=r"claims.*views: documents"):
        query.run_query(data, "SELECT * FROM claims")


def test_no_dataset_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(query.QueryError, match="ziping ingest"):
        query.run_query(tmp_path, "SELECT 1")


def test_bad_sql_names_the_problem(tmp_path: Path) -> None:
    data = build_dataset(tmp_path)
    with pytest.raises(query.QueryError, match="Parser Error"):
        query.run_query(data, "SELEC 1")


def test_formats(tmp_path: Path) -> None:
    data = build_dataset(tmp_path)
    answer = query.fetch(
        data, "SELECT level3, score_stated FROM indicators WHERE doc_id LIKE 'a%' ORDER BY seq"
    )
    assert results.render(answer, "csv").splitlines() == [
        "level3,score_stated",
        "科普活动场次,20.0",
        "融媒体宣传服务费,6.88",
    ]
    assert json.loads(results.render(answer, "json"))[1] == {
        "level3": "融媒体宣传服务费",
        "score_stated": 6.88,
    }
    assert results.render(answer, "table").splitlines() == [
        "level3            score_stated",
        "科普活动场次              20.0",
        "融媒体宣传服务费          6.88",
        "(2 rows)",
    ]
    empty = query.fetch(data, "SELECT code FROM findings WHERE false")
    assert results.render(empty, "table") == "(0 rows; columns: code)\n"


# --- the seed reports, through the CLI --------------------------------------------------

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
QUERIES = Path(__file__).resolve().parents[2] / "docs" / "auditor-queries.md"
SEED_FINDINGS = {
    "DUPLICATE_ROW": 5,
    "DUPLICATE_ROW_CONFLICT": 2,
    "PLACEHOLDER_FIELD": 1,
    "REVERSE_SCORED_AS_POSITIVE": 3,
    "SCORE_MISMATCH": 1,
    "TOTAL_MISMATCH": 3,
}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("seeds") / "data"
    result = CliRunner().invoke(main, ["ingest", str(RAW), "--out", str(data), "--quiet"])
    assert result.exit_code == 0, result.output
    return data


def cli_json(data: Path, sql: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["query", sql, "--data", str(data), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def test_seed_indicator_rows(seeds: Path) -> None:
    assert cli_json(seeds, "SELECT count(*) AS n FROM indicators") == [{"n": 93}]
    per_table = cli_json(
        seeds,
        "SELECT t.seq, count(*) AS n FROM indicators i JOIN eval_tables t USING (table_id) "
        "GROUP BY t.seq ORDER BY t.seq",
    )
    assert [r["n"] for r in per_table] == [3, 11, 7, 14, 14, 10, 13, 8, 13]


def test_seed_findings_by_code(seeds: Path) -> None:
    rows = cli_json(seeds, "SELECT code, count(*) AS n FROM findings GROUP BY code")
    assert {r["code"]: r["n"] for r in rows} == SEED_FINDINGS


def test_seed_query_as_table_and_csv(seeds: Path) -> None:
    sql = "SELECT status, count(*) AS n FROM documents GROUP BY status ORDER BY status"
    table = CliRunner().invoke(main, ["query", sql, "--data", str(seeds)])
    assert table.exit_code == 0
    assert table.output.splitlines()[-1] == "(2 rows)"
    csv_out = CliRunner().invoke(main, ["query", sql, "--data", str(seeds), "--format", "csv"])
    assert csv_out.output.splitlines() == ["status,n", "no_tables,2", "ok,1"]


def test_documented_auditor_queries_answer_on_the_seeds(seeds: Path) -> None:
    """docs/auditor-queries.md: every query runs, and says what an auditor should hear."""
    totals, costs, units = re.findall(r"```sql\n(.*?)```", QUERIES.read_text("utf-8"), re.S)
    differ = query.run_query(seeds, totals)
    assert differ["total_stated"].tolist() == [78.33, 97.34, 99.41]
    assert set(differ["direction"]) == {"understated"}
    met = query.run_query(seeds, costs)
    assert sorted(met["level3"]) == ["保安人员工资", "融媒体宣传服务费"]
    by_unit = query.run_query(seeds, units)
    assert by_unit["findings"].sum() == sum(SEED_FINDINGS.values())


def test_cli_errors(seeds: Path, tmp_path: Path) -> None:
    bad_sql = CliRunner().invoke(main, ["query", "SELEC 1", "--data", str(seeds)])
    assert bad_sql.exit_code == 1
    assert bad_sql.output.startswith("Error: Parser Error")
    no_dir = CliRunner().invoke(main, ["query", "SELECT 1", "--data", str(tmp_path / "nope")])
    assert no_dir.exit_code == 2
    empty = CliRunner().invoke(main, ["query", "SELECT 1", "--data", str(tmp_path)])
    assert empty.exit_code == 1
    assert "ziping ingest" in empty.output
    bad_format = CliRunner().invoke(main, ["query", "SELECT 1", "--format", "xml"])
    assert bad_format.exit_code == 2


def test_empty_sql_and_statements_without_rows(seeds: Path) -> None:
    for sql in ("", "  ;  "):
        result = CliRunner().invoke(main, ["query", sql, "--data", str(seeds)])
        assert result.exit_code == 1
        assert result.output.startswith("Error: no SQL given")
    created = query.fetch(seeds, "CREATE VIEW v AS SELECT 1")
    assert created.rows == []  # DuckDB answers a CREATE with no rows
    assert query.run_query(seeds, "CREATE VIEW v AS SELECT 1").empty


def test_one_null_marker_in_the_table(seeds: Path) -> None:
    """Null text, a null or NaN float and a null int all print as NULL (empty in CSV)."""
    answer = query.fetch(
        seeds,
        "SELECT NULL::VARCHAR AS t, NULL::DOUBLE AS f, 'NaN'::DOUBLE AS nan, NULL::INTEGER AS i,"
        " 1 AS n",
    )
    lines = results.render(answer, "table").splitlines()
    assert lines[1].split() == ["NULL", "NULL", "NULL", "NULL", "1"]
    assert results.render(answer, "csv").splitlines()[1] == ",,,,1"
    assert json.loads(results.render(answer, "json")) == [
        {"t": None, "f": None, "nan": None, "i": None, "n": 1}
    ]


def test_csv_bom_and_xlsx_for_excel(seeds: Path, tmp_path: Path) -> None:
    sql = "SELECT code, count(*) AS n FROM findings GROUP BY code ORDER BY code"
    bom = CliRunner().invoke(main, ["query", sql, "--data", str(seeds), "--format", "csv", "--bom"])
    assert bom.exit_code == 0
    assert bom.output.startswith("\ufeffcode,n\n")
    no_output = CliRunner().invoke(main, ["query", sql, "--data", str(seeds), "--format", "xlsx"])
    assert no_output.exit_code == 2
    assert "--output" in no_output.output
    target = tmp_path / "q.xlsx"
    args = ["query", sql + ", '=1+1' AS f", "--data", str(seeds), "--format", "xlsx", "-o"]
    result = CliRunner().invoke(main, [*args, str(target)])
    assert result.exit_code == 1  # GROUP BY broken by the extra column: a clean error
    sql = "SELECT code, count(*) AS n, '=1+1' AS f FROM findings GROUP BY code ORDER BY code"
    result = CliRunner().invoke(main, [*args[:1], sql, *args[2:], str(target)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    table = sheet.tables["query_result"]
    assert table.ref == f"A1:C{len(SEED_FINDINGS) + 1}"
    assert [c.name for c in table.tableColumns] == ["code", "n", "f"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["DUPLICATE_ROW", 5, "=1+1"]
    assert sheet["C2"].data_type == "s"  # text, not a formula


def test_export_duckdb(seeds: Path, tmp_path: Path) -> None:
    target = tmp_path / "ziping.duckdb"
    result = CliRunner().invoke(main, ["export", "--data", str(seeds), "--duckdb", str(target)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(target), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM findings").fetchone()
        years = con.execute("SELECT DISTINCT year FROM eval_tables ORDER BY 1").fetchall()
    finally:
        con.close()
    assert n == (sum(SEED_FINDINGS.values()),)
    assert years == [(2023,)] or all(isinstance(y[0], int) for y in years)


def test_diff_of_two_profiles(seeds: Path, tmp_path: Path) -> None:
    """The provincial profile scores an overrun ceiling linearly: one row and its table change."""
    provincial = tmp_path / "provincial"
    rescored = CliRunner().invoke(
        main, ["rescore", "--data", str(seeds), "--profile", "provincial", "--out", str(provincial)]
    )
    assert rescored.exit_code == 0, rescored.output
    same = CliRunner().invoke(main, ["diff", str(seeds), str(seeds), "--format", "json"])
    assert json.loads(same.output) == []
    result = CliRunner().invoke(main, ["diff", str(seeds), str(provincial), "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    totals = [r for r in records if r["column"] == "total_recomputed"]
    assert [(r["before"], r["after"]) for r in totals] == [("89.65", "98.33")]
    removed = [r["id"] for r in records if r["change"] == "removed"]
    assert len(removed) == 1
    assert removed[0].endswith("REVERSE_SCORED_AS_POSITIVE")
    summary = CliRunner().invoke(main, ["diff", str(seeds), str(provincial)])
    assert summary.output.splitlines()[2].split() == ["eval_tables", "9", "9", "0", "0", "1"]


def test_views_only_for_the_tables_the_sql_names(tmp_path: Path) -> None:
    """Binding a view reads every file behind it: a count on one table binds only that one,
    a query naming no table (SHOW TABLES) sees them all."""
    data = build_dataset(tmp_path)

    def views(sql: str) -> list[str]:
        con = query.connect(data, sql)
        try:
            rows = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal")
            return sorted(name for (name,) in rows.fetchall())
        finally:
            con.close()

    assert views("SELECT count(*) FROM Indicators") == ["indicators"]
    assert views("SELECT * FROM eval_tables t JOIN documents d USING (doc_id)") == [
        "documents",
        "eval_tables",
    ]
    everything = views("SHOW TABLES")
    assert {"documents", "eval_tables", "indicators", "findings"} <= set(everything)
    assert query.run_query(data, "SHOW TABLES")["name"].tolist() == everything


def test_values_beyond_text_and_numbers(seeds: Path, tmp_path: Path) -> None:
    """Decimals print exactly as stored (JSON: a number), times in ISO 8601, lists item by
    item; XLSX holds numbers and dates as Excel's own."""
    answer = query.fetch(
        seeds,
        "SELECT 12.5::DECIMAL(22, 4) AS yuan, TIMESTAMP '2024-01-02 03:04:05' AS at,"
        " [1.5, NULL]::DOUBLE[] AS bbox, DATE '2024-01-01' AS day, true AS ok",
    )
    assert results.render(answer, "csv").splitlines()[1] == (
        '12.5000,2024-01-02 03:04:05,"[1.5, NULL]",2024-01-01,True'
    )
    assert json.loads(results.render(answer, "json")) == [
        {"yuan": 12.5, "at": "2024-01-02T03:04:05", "bbox": [1.5, None], "day": "2024-01-01",
         "ok": True}
    ]  # fmt: skip
    target = tmp_path / "values.xlsx"
    results.write_xlsx(answer, target)
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    row = [c.value for c in next(sheet.iter_rows(min_row=2))]
    assert row == [12.5, datetime(2024, 1, 2, 3, 4, 5), "[1.5, NULL]", datetime(2024, 1, 1), True]
