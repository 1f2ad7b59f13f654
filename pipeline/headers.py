"""Header vocabulary of 自评表: which printed label means which field.

Provinces word the same column a dozen ways (年度指标值 / 预期指标值 / 指标值 …). Each field
lists its synonyms; a header cell maps to the field of the longest synonym it contains, so
实际完成指标值 is the actual (not the target 指标值) and 分值权重 is the weight.
"""

from __future__ import annotations

import regex

from pipeline.values import normalize

INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称", "绩效指标名称", "具体指标"),
    "target": ("年度指标值", "预期指标值", "指标值", "目标值", "年度目标值", "预期值",
               "计划值", "年度目标", "预期目标值", "绩效目标值"),
    "actual": ("实际完成值", "实际完成指标值", "全年实际值", "实际值", "完成值", "实际完成",
               "实际完成情况", "全年完成值", "实际达成值"),
    "weight": ("分值", "分值权重", "权重", "标准分值", "指标分值", "权重分"),
    "score": ("得分", "自评得分", "评分", "实际得分", "自评分"),
    "reason": ("偏差原因分析及改进措施", "未完成原因", "偏差原因", "原因分析",
               "未完成原因分析", "偏差原因及改进措施", "改进措施"),
    "basis": ("指标值设定依据", "设定依据", "指标值设定依据及数据来源"),
}  # fmt: skip

BUDGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "initial": ("年初预算数", "年初预算", "年初预算金额"),
    "full_year": ("全年预算数", "全年预算", "调整后预算数", "全年预算金额"),
    "executed": ("全年执行数", "全年执行", "执行数", "实际执行数", "实际支出数"),
    "weight": ("分值", "分值权重", "权重"),
    "rate": ("执行率", "预算执行率"),
    "score": ("得分", "自评得分"),
}

FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "project_name": ("项目名称", "部门名称", "单位名称", "部门(单位)名称", "部门（单位）名称"),
    "department": ("主管部门", "主管单位", "主管部门及代码"),
    "implementer": ("实施单位", "项目实施单位", "预算单位"),
}

BUDGET_TOTAL_LABELS = ("年度资金总额", "年度总资金", "资金总额", "年度资金", "合计", "总计")
TOTAL_LABELS = ("总分", "合计", "总计", "总得分", "综合得分", "自评总分", "总 分")
GOAL_LABEL = "年度总体目标"
GOAL_EXPECTED = ("预期目标", "预期")
GOAL_ACTUAL = ("实际完成情况", "实际完成目标", "实际完成", "实际")

_SPACES = regex.compile(r"\s+")
_TITLE = regex.compile(r"(自评表|自评价表|绩效评价表|自评情况表)")


def key(text: str) -> str:
    """A header cell reduced for matching: NFKC, no spaces, no unit in brackets."""
    folded = _SPACES.sub("", normalize(text))
    return regex.sub(r"[(（][^()（）]*[)）]$", "", folded)


def match_column(text: str, vocabulary: dict[str, tuple[str, ...]]) -> str | None:
    """The field whose longest synonym `text` contains, or None."""
    k = key(text)
    if not k or len(k) > 20:
        return None
    best: tuple[int, str] | None = None
    for field, synonyms in vocabulary.items():
        for synonym in synonyms:
            if synonym in k and (best is None or len(synonym) > best[0]):
                best = (len(synonym), field)
    return best[1] if best else None


def map_columns(cells: list[str], vocabulary: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field -> column index for a header row; the first column claiming a field keeps it."""
    found: dict[str, int] = {}
    for index, text in enumerate(cells):
        field = match_column(text, vocabulary)
        if field and field not in found:
            found[field] = index
    return found


def field_of_label(text: str) -> str | None:
    """`主管部门` -> department; None when the text is not a header-field label."""
    k = key(text)
    for field, labels in FIELD_LABELS.items():
        if k in {key(label) for label in labels}:
            return field
    return None


def is_title(text: str) -> bool:
    """A table title: short, names a self-evaluation table, not a sentence mentioning one."""
    t = key(text)
    return bool(_TITLE.search(t)) and len(t) <= 40 and not regex.search(r"[，,。；;]", t)


def table_kind(title: str) -> str:
    t = key(title)
    return "department" if ("整体" in t or "部门绩效" in t) else "project"


def is_label(text: str, labels: tuple[str, ...]) -> bool:
    return key(text) in {key(label) for label in labels}
