"""The issue-4 checks and table variants, each on an invented table — and never on seed 004."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pipeline.audit.build import is_cost, rescore
from pipeline.audit.checks import check_table
from pipeline.batch.document import DocResult
from schemas.findings import CHECK_CODES, CODES
from schemas.place import Where
from schemas.profile import Profile
from schemas.tables import EvalTableRow, FindingRow, IndicatorRow
from tests.invented import BASE_ROWS, BASE_TOTAL, Invented, Row

NEW_CODES = {
    "LEVEL1_WEIGHT_MISMATCH",
    "BUDGET_ROWS_INCONSISTENT",
    "EXEC_RATE_OVER_100",
    "MISSING_SCORE",
    "WEIGHTS_ABSENT",
}


def _found(result: DocResult, code: str) -> list[tuple[str | None, str | None, str | None]]:
    names = {r.indicator_id: r.level3 for r in result.indicators}
    return [
        (names.get(f.indicator_id or ""), f.stated, f.recomputed)
        for f in result.findings
        if f.code == code
    ]


def _recheck(
    result: DocResult, profile: Profile, **changes: object
) -> tuple[EvalTableRow, list[IndicatorRow], list[FindingRow]]:
    """The first table with `changes` applied to its stored row, rescored and checked."""
    table = dataclasses.replace(result.tables[0], **changes)  # type: ignore[arg-type]
    table, rows = rescore(table, result.indicators, profile)
    where = Where(result.document.doc_id, result.document.path)
    return table, rows, list(check_table(where, table, rows, profile))


def test_new_codes_are_declared_and_regenerated_by_rescore() -> None:
    assert set(CODES) >= NEW_CODES
    assert NEW_CODES <= CHECK_CODES
    assert set(CODES) >= CHECK_CODES
    assert CODES["EXEC_RATE_OVER_100"].severity == "info"


def test_none_of_the_new_checks_fire_on_seed004(seed004: DocResult) -> None:
    assert not [f.code for f in seed004.findings if f.code in NEW_CODES]
    assert all(t.budget_carries_total is False for t in seed004.tables)


def test_level1_weight_mismatch(tmp_path: Path, central: Profile) -> None:
    labelled: list[Row] = [
        (
            {"产出指标": "产出指标(50分)", "效益指标": "效益指标(20分)"}.get(
                r[0], "满意度指标(10分)"
            ),
            *r[1:],
        )
        for r in BASE_ROWS
    ]
    result = Invented(rows=labelled, total=BASE_TOTAL).ingest(tmp_path, central)
    assert [(r.level1, r.level1_weight) for r in result.indicators][::2] == [
        ("产出指标", 50.0),
        ("产出指标", 50.0),
        ("效益指标", 20.0),
    ]
    # 产出 20+10+10+10 = 50 and 效益 20 hold; 满意度 prints 10 but its row weighs 20
    assert _found(result, "LEVEL1_WEIGHT_MISMATCH") == [("读者满意度", "10.00", "20.00")]
    finding = next(f for f in result.findings if f.code == "LEVEL1_WEIGHT_MISMATCH")
    assert finding.message == "满意度指标(10.00分)下1个指标分值合计20.00"


def test_budget_rows_inconsistent_zeros(tmp_path: Path, central: Profile) -> None:
    """The 年度资金总额 row prints zeros (a template formula failure); its 其中 row does not."""
    invented = Invented(
        budget=("0", "0", "0"),
        rate="0",
        score="0",
        parts=[("90", "89.974", "89.974")],
        rows=BASE_ROWS,
    )
    result = invented.ingest(tmp_path, central)
    table, _rows, findings = _recheck(
        result,
        central,
        budget_parts_initial=90.0,
        budget_parts_full_year=89.974,
        budget_parts_executed=89.974,
    )
    # the rate and score come from the parts: 100 %, 10 of 10, not the printed 0
    assert (table.exec_rate_recomputed, table.exec_score_recomputed) == (1.0, 10.0)
    by_code = {f.code: f for f in findings}
    assert {"BUDGET_ROWS_INCONSISTENT", "EXEC_SCORE_MISMATCH", "EXEC_RATE_MISMATCH"} <= set(by_code)
    budget = by_code["BUDGET_ROWS_INCONSISTENT"]
    assert (budget.stated, budget.recomputed) == ("0.00", "90.00")
    assert budget.message.startswith("年度资金总额填报为0，但其中各项不为0：年初预算数0万元")
    assert (by_code["EXEC_SCORE_MISMATCH"].stated, by_code["EXEC_SCORE_MISMATCH"].recomputed) == (
        "0.00",
        "10.00",
    )


def test_budget_rows_inconsistent_sum(tmp_path: Path, central: Profile) -> None:
    result = Invented(rows=BASE_ROWS, total=BASE_TOTAL).ingest(tmp_path, central)
    _, _, agreeing = _recheck(
        result,
        central,
        budget_parts_initial=50.0,
        budget_parts_full_year=50.0,
        budget_parts_executed=46.4,
    )
    assert "BUDGET_ROWS_INCONSISTENT" not in {f.code for f in agreeing}
    _, _, findings = _recheck(
        result,
        central,
        budget_parts_initial=50.0,
        budget_parts_full_year=40.0,
        budget_parts_executed=36.4,
    )
    budget = [f for f in findings if f.code == "BUDGET_ROWS_INCONSISTENT"]
    assert [(f.stated, f.recomputed) for f in budget] == [("50.00", "40.00")]
    assert "全年预算数50万元，其中各项合计40万元" in budget[0].message
    assert "全年执行数46.4万元，其中各项合计36.4万元" in budget[0].message


def test_exec_rate_over_100(tmp_path: Path, central: Profile) -> None:
    invented = Invented(
        budget=("50.00", "50.00", "55.00"),
        rate="110.00%",
        score="10.00分",
        parts=[],
        rows=BASE_ROWS,
        total=BASE_TOTAL,
    )
    result = invented.ingest(tmp_path, central)
    assert _found(result, "EXEC_RATE_OVER_100") == [(None, "110.00", "100.00")]
    assert result.tables[0].exec_score_recomputed == 10.0  # capped: no score finding
    assert not _found(result, "EXEC_SCORE_MISMATCH")


def test_missing_scores_row_by_row(tmp_path: Path, central: Profile) -> None:
    rows = [(*r[:6], "") if r[2] in ("图书采购单价", "读者满意度") else r for r in BASE_ROWS]
    result = Invented(rows=rows).ingest(tmp_path, central)
    assert _found(result, "MISSING_SCORE") == [
        ("图书采购单价", None, "7.50"),
        ("读者满意度", None, "20.00"),
    ]


def test_missing_scores_form_not_filled(tmp_path: Path, central: Profile) -> None:
    """四川-style forms printed with weights only: one finding for the table, not one per row."""
    rows = [(*r[:5], r[5], "") for r in BASE_ROWS]
    result = Invented(score="", rows=rows).ingest(tmp_path, central)
    assert _found(result, "MISSING_SCORE") == [(None, None, None)]
    finding = next(f for f in result.findings if f.code == "MISSING_SCORE")
    assert finding.message == "得分栏未填写：6个指标及预算执行均无得分"
    assert finding.indicator_id is None


def test_weights_absent(tmp_path: Path, central: Profile) -> None:
    """A target/actual table without weights: rows extracted, nothing re-scored."""
    rows = [(*r[:5], "", "") for r in BASE_ROWS]
    result = Invented(weight="", rate="", score="", rows=rows).ingest(tmp_path, central)
    assert len(result.indicators) == 6
    assert [r.actual_raw for r in result.indicators][:2] == ["=12个", "=40元"]
    assert all(
        (r.score_min, r.score_max, r.score_recomputed) == (None, None, None)
        for r in result.indicators
    )
    table = result.tables[0]
    assert (table.total_recomputed, table.weight_sum, table.grade_recomputed) == (None, None, None)
    assert [f.code for f in result.findings] == ["WEIGHTS_ABSENT"]
    assert result.findings[0].message == "自评表无分值栏：6个指标已提取，未复核评分"


# 033-like: the budget row's 分值/得分 hold 100 and the table total; 预算执行率 is an indicator.
TOTAL_IN_BUDGET_ROWS: list[Row] = [
    ("产出指标", "数量指标", "预算执行率", "100%", "83.5%", "20", "18"),
    ("产出指标", "质量指标", "政务服务办结率", "100%", "100%", "30", "30"),
    ("产出指标", "成本指标", "大厅运行维护费", "150万元", "150万元", "10", "10"),
    ("满意度指标", "服务对象满意度指标", "办事群众满意度", ">=90%", "=95%", "40", "40"),
]


def test_budget_row_carrying_the_table_total(tmp_path: Path, central: Profile) -> None:
    invented = Invented(
        budget=("150", "150", "125.25"),
        weight="100",
        rate="83.5%",
        score="98",
        parts=[],
        rows=TOTAL_IN_BUDGET_ROWS,
    )
    result = invented.ingest(tmp_path, central)
    table = result.tables[0]
    assert table.budget_carries_total is True
    assert (table.exec_rate_recomputed, table.exec_score_recomputed) == (0.835, None)
    assert (table.total_stated, table.weight_sum) == (98.0, 100.0)
    rate = result.indicators[0]
    # scored as a rate, more is better: 20 × 83.5 / 100
    assert (rate.score_rule, rate.target_op, rate.target_op_inferred, rate.score_max) == (
        "positive",
        ">=",
        True,
        16.7,
    )
    assert table.total_recomputed == 96.7  # 16.7 + 30 + 10 + 40
    codes = sorted((f.code, f.stated, f.recomputed) for f in result.findings)
    assert codes == [("SCORE_MISMATCH", "18.00", "16.70"), ("TOTAL_MISMATCH", "98.00", "96.70")]


def test_rate_indicator_is_never_a_cost(tmp_path: Path, central: Profile) -> None:
    result = Invented(rows=TOTAL_IN_BUDGET_ROWS).ingest(tmp_path, central)
    rate, fee = result.indicators[0], result.indicators[2]
    assert is_cost(fee, central)
    assert not is_cost(dataclasses.replace(rate, level2="成本指标"), central)
    assert not is_cost(dataclasses.replace(rate, level3="资金执行率(%)"), central)


def test_every_check_finding_is_a_check_code(tmp_path: Path, seed004: DocResult) -> None:
    """`ziping rescore` regenerates exactly CHECK_CODES; anything else check_table emitted
    would be duplicated or lost."""
    assert {f.code for f in seed004.findings} <= CHECK_CODES
