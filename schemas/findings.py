"""The finding codes: what each means, how serious it is, and its Chinese name.

Codes are part of the public contract (auditors filter on them); add, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
# Where a finding comes from: `check` findings depend only on stored rows and the profile, so
# `ziping rescore` regenerates them; `reader` and `claim` findings came from the source file
# (cells that could not be read, numbers in the prose) and are kept as they were.
Origin = Literal["check", "reader", "claim"]
# The printed cells a finding marks in the report: on its indicator row ("row" = the whole row)
RowCell = Literal["row", "level3", "target", "actual", "weight", "score"]
# ... or in its table's header, budget block or total row.
TableField = Literal["total", "exec_rate", "exec_score", "weight_sum", "grade", "budget"]


@dataclass(frozen=True, slots=True)
class Code:
    """One finding code, declared once: the checks, rescore, the report's highlighting and the
    data dictionary all read this declaration."""

    code: str
    severity: Severity
    zh: str
    meaning: str
    origin: Origin
    row: tuple[RowCell, ...] = ("row",)
    table: tuple[TableField, ...] = ()


_CODES = [
    Code(
        "SCORE_MISMATCH",
        "error",
        "得分与规则不符",
        "printed row score outside the recomputed interval",
        "check",
        row=("score",),
    ),
    Code(
        "REVERSE_SCORED_AS_POSITIVE",
        "error",
        "反向指标按正向计分",
        "a ceiling (<=) target scored as actual/target",
        "check",
        row=(
            "score",
            "target",
        ),
    ),
    Code(
        "SCORE_EXCEEDS_WEIGHT",
        "error",
        "得分超过分值",
        "printed score larger than the weight",
        "check",
        row=(
            "score",
            "weight",
        ),
    ),
    Code(
        "TOTAL_ARITHMETIC",
        "error",
        "总分与各项之和不符",
        "printed rows and budget score do not add up to the printed total",
        "check",
        table=("total",),
    ),
    Code(
        "TOTAL_MISMATCH",
        "error",
        "总分与复核不符",
        "recomputed total differs from the printed one",
        "check",
        table=("total",),
    ),
    Code(
        "EXEC_RATE_MISMATCH",
        "warning",
        "执行率计算错误",
        "printed execution rate ≠ executed / full year",
        "check",
        table=("exec_rate",),
    ),
    Code(
        "EXEC_SCORE_MISMATCH",
        "error",
        "预算执行得分错误",
        "printed budget score ≠ weight × rate",
        "check",
        table=("exec_score",),
    ),
    Code(
        "WEIGHT_SUM_NOT_100",
        "warning",
        "分值合计不为100",
        "weights (budget + rows) do not sum to 100",
        "check",
        table=("weight_sum",),
    ),
    Code(
        "DUPLICATE_ROW",
        "warning",
        "重复指标",
        "the same indicator printed twice, identically",
        "check",
        row=("row",),
    ),
    Code(
        "DUPLICATE_ROW_CONFLICT",
        "error",
        "重复指标得分不一",
        "the same indicator printed twice with different actuals or scores",
        "check",
        row=(
            "row",
            "score",
        ),
    ),
    Code(
        "GRADE_MISMATCH",
        "error",
        "等级与得分不符",
        "printed grade does not match the score band",
        "check",
        table=("grade",),
    ),
    Code(
        "UNIT_MISMATCH",
        "warning",
        "单位不一致",
        "target and actual in units that do not convert",
        "check",
        row=(
            "target",
            "actual",
        ),
    ),
    Code(
        "UNPARSEABLE_VALUE",
        "warning",
        "数值无法解析",
        "a target or actual that the value grammar cannot read",
        "check",
        row=(
            "target",
            "actual",
        ),
    ),
    Code(
        "PLACEHOLDER_FIELD", "info", "字段未填写", "a field whose value is its own label", "check"
    ),
    Code(
        "TEXT_LAYER_UNREADABLE",
        "warning",
        "文字层无法读取",
        "a PDF page whose text cannot be decoded",
        "reader",
    ),
    Code("OCR_PAGE", "info", "页面经OCR识别", "a scanned page read by OCR", "reader"),
    # a look-alike (2/工/^ for ≥, $ for %, IO for 10) read as what it resembles, OCR'd text only
    Code(
        "OCR_REPAIRED",
        "info",
        "OCR误识已校正",
        "OCR look-alike",
        "check",
        ("level3", "target", "actual", "weight", "score"),
    ),
    Code(
        "ROW_UNPARSED",
        "warning",
        "表格行无法识别",
        "cells inside a table that could not be aligned to a row; kept raw, not guessed",
        "reader",
    ),
    Code(
        "TABLE_UNPARSED",
        "warning",
        "自评表无法识别",
        "a 自评表 whose indicator rows could not be read at all",
        "reader",
    ),
    Code(
        "TABLE_LAYOUT_GUESSED",
        "info",
        "无框线表格按文字位置读取",
        "a PDF table without ruling lines read from word positions; the wrapped cells whose "
        "row the geometry leaves open are listed",
        "reader",
    ),
    Code(
        "TABLE_LAYOUT_UNREAD",
        "warning",
        "无框线表格未能读取",
        "a table-like PDF block without ruling lines that could not be read as a grid; its "
        "lines are kept as text",
        "reader",
    ),
    Code(
        "CLAIM_MISMATCH",
        "error",
        "文字陈述数据不符",
        "a number in the narrative does not hold",
        "claim",
    ),
    Code(
        "CLAIMS_INCOMPLETE",
        "info",
        "文字陈述未全部核对",
        "a paragraph or claim rule ran out of its time budget: its claims are not all checked",
        "claim",
    ),
    Code(
        "LEVEL1_WEIGHT_MISMATCH",
        "warning",
        "一级指标分值不符",
        "rows under a level-1 label printed with its weight (产出指标(50分)) do not sum to it",
        "check",
    ),
    Code(
        "BUDGET_ROWS_INCONSISTENT",
        "error",
        "资金总额与其中各项不符",
        "年度资金总额 differs from the sum of its 其中 rows (or is zero while they are not)",
        "check",
        table=("budget",),
    ),
    Code(
        "EXEC_RATE_OVER_100",
        "info",
        "执行率超过100%",
        "executed more than the full-year budget",
        "check",
        table=("exec_rate",),
    ),
    Code(
        "MISSING_SCORE",
        "warning",
        "得分未填写",
        "a weight is printed, its 得分 cell is empty",
        "check",
        row=("score",),
    ),
    Code(
        "VALUE_OUT_OF_RANGE",
        "warning",
        "数值超出范围",
        "a printed number beyond what can be stored or computed with; null, raw text kept",
        "reader",
    ),
    Code(
        "WEIGHTS_ABSENT",
        "info",
        "无分值栏",
        "the table prints no weights: rows are extracted but not re-scored",
        "check",
    ),
    Code(
        "CONVERSION_MISMATCH",
        "error",
        "折算得分计算错误",
        "河北 form: 单项指标得分 × 权重占比 ≠ the printed 单项指标折算得分",
        "check",
        row=("score",),
    ),
    Code(
        "COEFFICIENT_MISMATCH",
        "error",
        "系数得分计算错误",
        "重庆 form: 得分系数 × 指标权重 ≠ the printed 指标得分",
        "check",
        row=("score",),
    ),
    Code(
        "PARTS_SUM_MISMATCH",
        "warning",
        "其中各项之和不符",
        "the 其中 sub-rows' targets or actuals do not add up to their parent row's",
        "check",
        row=("target", "actual"),
    ),
    Code(
        "REVIEW_SCORE_DIFFERS",
        "info",
        "自评分与复核分不同",
        "a reviewer's score (复核分 / 县级 / 市级 / 财政审核评分) differs from the self score",
        "check",
        row=("score",),
        table=("total",),
    ),
    Code(
        "ROLLUP_SUM_MISMATCH",
        "warning",
        "上级指标得分与下级之和不符",
        "a rubric level printed as a row of its own: its score is not the sum of its rows'",
        "check",
        row=("score",),
    ),
    Code(
        "RUBRIC_SCORE_OFF_TIER",
        "warning",
        "得分不在评分标准档次内",
        "a score that none of the tiers of its printed rule (计N分) gives",
        "check",
        row=("score",),
    ),
    Code(
        "LEVEL2_WEIGHT_MISMATCH",
        "warning",
        "二级指标分值不符",
        "rows under a level-2 label printed with its weight do not sum to it",
        "check",
        row=("weight",),
    ),
    Code(
        "LEVEL_SCORE_EXCEEDS_WEIGHT",
        "error",
        "指标得分之和超过一级指标分值",
        "the scores of a level-1 block add up to more than the weight its label prints",
        "check",
        row=("score",),
    ),
    Code(
        "TARGET_NOT_MET",
        "info",
        "指标未达成",
        "targets-only form: the actual does not reach the target (nothing is scored)",
        "check",
        row=("target", "actual"),
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}
# Every code `check_table` can emit; `ziping rescore` regenerates exactly these.
CHECK_CODES = frozenset(c.code for c in _CODES if c.origin == "check")


def severity(code: str) -> Severity:
    """Severity of `code`; unknown codes (from newer parsers) are warnings."""
    found = CODES.get(code)
    return found.severity if found else "warning"
