"""`pipeline.query`: DuckDB views over the dataset, three output formats, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import query
from tests.test_report_fixtures import build_dataset


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
    frame = query.run_query(
        data, "SELECT level3, score_stated FROM indicators WHERE doc_id LIKE 'a%' ORDER BY seq"
    )
    assert query.render(frame, "csv").splitlines() == [
        "level3,score_stated",
        "科普活动场次,20.0",
        "融媒体宣传服务费,6.88",
    ]
    assert json.loads(query.render(frame, "json"))[1] == {
        "level3": "融媒体宣传服务费",
        "score_stated": 6.88,
    }
    table = query.render(frame, "table")
    assert "融媒体宣传服务费" in table
    assert table.rstrip().endswith("(2 rows)")
    empty = query.run_query(data, "SELECT code FROM findings WHERE false")
    assert query.render(empty, "table") == "(0 rows; columns: code)\n"
