"""Coverage beside every total: rows re-scored, complete tables, checks evaluated; the
`--json` summary, the `--fail-on` gate and progress lines when stderr is not a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.dataset import coverage
from pipeline.dataset import load as dataset
from tests.report.test_report_fixtures import eval_table, indicator, write

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], str]:
    data = tmp_path_factory.mktemp("coverage") / "data"
    result = CliRunner().invoke(main, ["ingest", str(RAW), "--out", str(data), "--json"])
    assert result.exit_code == 0, result.output
    return data, json.loads(result.stdout), result.stderr


def test_seed_coverage(ingested: tuple[Path, dict[str, object], str]) -> None:
    data, _, _ = ingested
    cov = coverage.measure(data)
    assert (cov.tables, cov.tables_complete, cov.tables_total_recomputed) == (9, 9, 9)
    assert (cov.rows, cov.rows_rescored, cov.rows_not_rescored) == (93, 93, 0)
    checks = {c.code: (c.evaluated, c.passed, c.failed, c.not_evaluated) for c in cov.checks}
    assert checks["TOTAL_MISMATCH"] == (8, 5, 3, 1)  # one table prints no total
    assert checks["SCORE_MISMATCH"] == (93, 92, 1, 0)
    assert checks["REVERSE_SCORED_AS_POSITIVE"] == (93, 90, 3, 0)
    assert checks["GRADE_MISMATCH"] == (0, 0, 0, 9)  # no seed table prints a grade


def test_ingest_json_and_progress_lines(ingested: tuple[Path, dict[str, object], str]) -> None:
    _, payload, stderr = ingested
    assert payload["tables"] == 9
    assert payload["indicators"] == 93
    cov = payload["coverage"]
    assert isinstance(cov, dict)
    assert cov["rows_not_rescored"] == 0
    assert cov["tables_incomplete"] == 0
    assert cov["findings_by_severity"] == {"error": 9, "warning": 5, "info": 1}
    # CliRunner's stderr is no terminal: a closing progress line, no bar
    assert stderr.splitlines()[-1].startswith("ingest: 3/3 documents (100%)")


def test_fail_on_gates_the_batch(ingested: tuple[Path, dict[str, object], str]) -> None:
    data, _, _ = ingested
    args = ["rescore", "--data", str(data), "--profile", "central"]
    gated = CliRunner().invoke(main, [*args, "--fail-on", "error"])
    assert gated.exit_code == 1
    assert "Error: 9 finding(s) of severity error or worse (--fail-on error)" in gated.output
    as_json = CliRunner().invoke(main, [*args, "--json"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout)["coverage"]["tables"] == 9


def test_an_incomplete_table_is_named_with_its_reasons(tmp_path: Path) -> None:
    """A table whose weights add up to 70 and whose second row could not be re-scored."""
    data = tmp_path / "data"
    table = eval_table("t1", "d1", weight_sum=70.0, total_recomputed=60.0)
    rows = [
        indicator("t1.r1", "t1", "d1", score_min=10.0, score_max=10.0, parse_confidence=1.0),
        indicator("t1.r2", "t1", "d1", score_min=None, score_max=None, parse_confidence=0.5),
    ]
    write(data, "eval_tables", [table])
    write(data, "indicators", rows)
    cov = coverage.measure(data)
    assert cov.tables_complete == 0
    assert (cov.rows_rescored, cov.rows_not_rescored, cov.rows_low_confidence) == (1, 1, 1)
    assert cov.as_json()["by_table"]["t1"]["reasons"] == ["1/2 行未复核", "分值合计 70"]
    assert dataset.present(data) == ["eval_tables", "indicators"]
