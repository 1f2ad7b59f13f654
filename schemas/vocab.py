"""Closed vocabularies of the output tables: a misspelt value fails mypy instead of reaching
Parquet. The columns that take them are declared in `schemas.tables`."""

from __future__ import annotations

from typing import Literal, get_args

DocStatus = Literal["ok", "no_tables", "error", "duplicate"]
TableKind = Literal["project", "department"]  # 项目支出 / 部门整体支出
ClaimKind = Literal[
    "score_total", "grade", "parts_sum", "share", "change", "cross_table", "unit_equivalence"
]  # fmt: skip

# A qualitative band of a profile (`[[qualitative]] level`): scored as rule `qual_<level>`.
QualLevel = Literal["full", "partial", "none"]

# `indicators.score_rule`: the formula that gave a row its score interval
# (pipeline/audit/scoring.py, pipeline/audit/families.py), or why the row has none.
ScoreRule = Literal[
    # more is better, less is better, `=` and how the profile reads a missed one
    "positive", "reverse", "equal", "equal_positive", "equal_cost_reverse", "equal_zero_reverse",
    # by phrase (one per QualLevel, or no band matched) and by deadline
    "qual_full", "qual_partial", "qual_none", "qual_unknown", "deadline_met", "deadline_missed",
    # 不适用: scored anywhere up to the weight, or dropped and the total rescaled
    "not_applicable", "not_applicable_dropped",
    # by family (schemas/profiles/families.toml)
    "rubric", "coefficient", "not_scored", "part", "group_member",
    # not re-scored: nothing to compare, or units that do not convert
    "no_weight", "no_actual", "unscorable", "unit_mismatch",
]  # fmt: skip

QUAL_RULES: dict[QualLevel, ScoreRule] = {
    "full": "qual_full",
    "partial": "qual_partial",
    "none": "qual_none",
}
QUAL_LEVELS: tuple[QualLevel, ...] = get_args(QualLevel)
SCORE_RULES: tuple[ScoreRule, ...] = get_args(ScoreRule)
