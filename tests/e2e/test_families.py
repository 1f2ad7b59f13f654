"""Golden tests per 自评表 family (TEMPLATES.md), on invented tables in every grid format.

The fixtures are written by tests/fixtures/make/build_families.py. Each family's rows, table
and findings are pinned in tests/golden/family_<name>.json and must be the same whether the
table arrives as DOCX, XLSX or HTML; the tests below also state the facts each family is about.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.batch.document import DocResult, process_file
from schemas.profile import load_profile
from tests.golden import check_golden

FAMILIES = Path(__file__).parents[1] / "fixtures" / "families"
NAMES = ("mof", "weight_first", "no_weight", "split_target", "weighted_conversion",
         "coefficient", "targets_only", "rubric")  # fmt: skip
FORMATS = ("docx", "xlsx", "html")


@cache
def read(name: str, fmt: str = "docx") -> DocResult:
    return process_file(FAMILIES / f"{name}.{fmt}", load_profile("central"))


def summary(result: DocResult) -> dict[str, Any]:
    seq = {r.indicator_id: r.seq for r in result.indicators}
    return {
        "tables": [
            [t.form_family, t.scoring, t.read_by, t.exec_weight, t.exec_score_stated,
             t.exec_score_recomputed, t.total_stated, t.total_recomputed, t.weight_sum,
             t.total_review]
            for t in result.tables
        ],
        "rows": [
            [r.level1, r.level2, r.level3, r.target_raw, r.actual_raw, r.weight, r.score_stated,
             r.score_recomputed, r.score_rule, r.row_kind, seq.get(r.parent_id or ""),
             r.weight_source, r.score_review, r.parse_confidence]
            for r in result.indicators
        ],
        "findings": sorted(
            [f.code, seq.get(f.indicator_id or "", 0), f.stated, f.recomputed]
            for f in result.findings
        ),
    }  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_family_golden(name: str) -> None:
    check_golden(f"family_{name}", summary(read(name)))


@pytest.mark.parametrize("fmt", FORMATS[1:])
@pytest.mark.parametrize("name", NAMES)
def test_same_rows_in_every_grid_format(name: str, fmt: str) -> None:
    assert summary(read(name, fmt)) == summary(read(name))


def _codes(result: DocResult) -> Counter[str]:
    return Counter(f.code for f in result.findings)


def test_every_family_is_named() -> None:
    assert [read(n).tables[0].form_family for n in NAMES] == list(NAMES)


def test_split_target_is_read_as_one_target() -> None:
    rows = read("split_target").indicators
    assert [r.target_raw for r in rows[:5]] == ["≥ 52000 人", "= 100 %", "﹦ 72890 元",
                                               "定性 优良中低差", "≥ 90 %"]  # fmt: skip
    assert (rows[2].target_op, rows[2].target_value, rows[2].target_unit) == ("=", 72890.0, "元")
    assert rows[3].target_op == "qual"
    assert '"target_op": "定性"' in (rows[3].extra_cells or "")
    # the second table was published unfilled: its 合计 100 is the weight sum
    unfilled = read("split_target").tables[1]
    assert (unfilled.total_stated, unfilled.weight_sum) == (None, 100.0)
    assert _codes(read("split_target")) == Counter({"MISSING_SCORE": 1})


def test_hebei_weight_is_the_share_and_the_conversion_is_checked() -> None:
    result = read("weighted_conversion")
    rows = result.indicators
    assert [(r.weight, r.score_stated, r.weight_source) for r in rows[:2]] == [
        (10.0, 9.5, "share"),
        (30.0, 30.0, "share"),
    ]
    assert rows[0].description == "全年执行数/全年预算数"
    conversion = [f for f in result.findings if f.code == "CONVERSION_MISMATCH"]
    assert [(f.stated, f.recomputed) for f in conversion] == [("9.00", "10.00")]
    assert result.tables[0].weight_sum == 100.0


def test_coefficient_times_weight() -> None:
    result = read("coefficient")
    assert _codes(result) == Counter({"COEFFICIENT_MISMATCH": 1, "TOTAL_MISMATCH": 1})
    assert [r.score_recomputed for r in result.indicators] == [30.0, 20.0, 18.0, 10.0, 16.0]
    assert result.tables[0].scoring == "coefficient"


def test_hubei_budget_block_and_level_weights() -> None:
    result = read("no_weight")
    table = result.tables[0]
    assert (table.exec_weight, table.exec_score_stated, table.exec_score_recomputed) == (
        20.0,
        19.0,
        19.0,
    )
    # 20 (budget) + 50 + 20 + 10 from the level labels; the 产出 rows' shares are not printed
    assert (table.weight_sum, table.total_stated, table.total_recomputed) == (100.0, 99.0, None)
    kinds = [(r.level3, r.row_kind, r.weight_source) for r in result.indicators]
    assert kinds[2] == ("质量事故发生次数", "group_member", "none")
    assert kinds[4:] == [("群众出行时间缩短", "indicator", "level"),
                         ("沿线群众满意度", "indicator", "level")]  # fmt: skip
    assert _codes(result) == Counter()  # a correct total is not TOTAL_ARITHMETIC


def test_parts_link_to_their_parent_and_must_add_up() -> None:
    result = read("weight_first")
    parts = [(r.level3, r.row_kind, r.parent_id) for r in result.indicators if r.row_kind == "part"]
    first, fourth = result.indicators[0].indicator_id, result.indicators[3].indicator_id
    assert parts == [
        ("其中：县城培训人数", "part", first),
        ("其中：乡镇培训人数", "part", first),
        ("其中：种植补贴", "part", fourth),
        ("其中：养殖补贴", "part", fourth),
    ]
    mismatch = [f for f in result.findings if f.code == "PARTS_SUM_MISMATCH"]
    assert [(f.indicator_id, f.stated, f.recomputed) for f in mismatch] == [
        (fourth, "296万元", "286万元")
    ]
    assert _codes(result) == Counter({"PARTS_SUM_MISMATCH": 1})


def test_targets_only_scores_nothing() -> None:
    result = read("targets_only")
    assert result.tables[0].scoring == "targets_only"
    assert {r.score_rule for r in result.indicators} == {"not_scored"}
    assert _codes(result) == Counter({"WEIGHTS_ABSENT": 1, "TARGET_NOT_MET": 1})


def test_rubric_weights_tiers_and_review() -> None:
    result = read("rubric")
    rows = result.indicators
    assert [r.weight for r in rows] == [4.0, 4.0, 6.0, 6.0, 10.0, 10.0, 15.0, 15.0, 20.0, 10.0]
    assert {r.weight_source for r in rows} == {"label"}
    assert rows[4].rule_text == "到位率≥90%,计10分;80%(含)-90%,计8分;<80%,计0分"
    table = result.tables[0]
    assert (table.total_stated, table.total_recomputed, table.total_review) == (93.0, 93.0, 87.5)
    off_tier = [r.seq for r in rows if any(
        f.code == "RUBRIC_SCORE_OFF_TIER" and f.indicator_id == r.indicator_id
        for f in result.findings)]  # fmt: skip
    assert off_tier == [4, 8]
    assert _codes(result)["REVIEW_SCORE_DIFFERS"] == 6  # five rows and the total


def test_mof_family_unchanged() -> None:
    result = read("mof")
    assert _codes(result) == Counter({"SCORE_MISMATCH": 1, "TOTAL_MISMATCH": 1})
