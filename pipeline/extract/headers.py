"""Header vocabulary of 自评表: which printed label means which field.

Provinces word the same column a dozen ways (年度指标值 / 预期指标值 / 指标值 …). Each field
lists its synonyms; a header cell maps to the field of the longest synonym it contains, so
实际完成指标值 is the actual (not the target 指标值) and 分值权重 is the weight.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from pipeline.extract.values import normalize
from schemas.tables import TableKind

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

# Level labels of the national template and its common variants (spaces removed). 成本指标 and
# 满意度指标 are level 1 in newer forms and level 2 in older ones; the reader decides by context.
LEVEL1_LABELS = frozenset({
    "产出指标", "效益指标", "满意度指标", "成本指标", "履职效能", "管理效率", "社会效应",
    "可持续发展能力", "决策", "过程", "产出", "效益", "项目决策", "项目管理", "项目产出",
    "项目效益", "预算执行", "预算执行情况",
})  # fmt: skip
LEVEL2_LABELS = frozenset({
    "数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标",
    "生态环境成本指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
    "满意度指标", "服务对象满意度指标", "服务对象满意度指标等", "社会公众或服务对象满意度指标",
})  # fmt: skip

# Cells that follow the indicator rows in many templates; nothing after them is a row.
AFTER_ROWS_LABELS = (
    "其他需要说明事项", "其他需说明的事项", "其他需要说明的事项", "其他需说明事项", "评价结论",
    "自评结论", "存在问题及改进措施", "存在的问题及原因分析", "填表人", "填报人", "联系电话",
    "填报日期", "填表日期", "审核人",
)  # fmt: skip

BUDGET_TOTAL_LABELS = ("年度资金总额", "年度总资金", "资金总额", "年度资金", "总额", "合计", "总计")
TOTAL_LABELS = ("总分", "合计", "总计", "总得分", "综合得分", "自评总分", "总 分")
GOAL_LABEL = "年度总体目标"
GOAL_EXPECTED = ("预期目标", "预期")
GOAL_ACTUAL = ("实际完成情况", "实际完成目标", "实际完成", "实际")

_SPACES = regex.compile(r"\s+")
_TITLE = regex.compile(r"(自评表|自评价表|绩效评价表|自评情况表)")


_UNIT_SUFFIX = regex.compile(r"[(（][^()（）]*[)）]$")
_SENTENCE_PUNCTUATION = regex.compile(r"[，,。；;]")


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """A header cell reduced for matching: NFKC, no spaces, no unit in brackets.

    Cached: every cell of every table is matched against each vocabulary."""
    folded = _SPACES.sub("", normalize(text))
    return _UNIT_SUFFIX.sub("", folded)


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
    return bool(_TITLE.search(t)) and len(t) <= 40 and not _SENTENCE_PUNCTUATION.search(t)


def table_kind(title: str) -> TableKind:
    t = key(title)
    return "department" if ("整体" in t or "部门绩效" in t) else "project"


def is_label(text: str, labels: tuple[str, ...]) -> bool:
    return key(text) in {key(label) for label in labels}


_BLOCK_LABELS = frozenset({"项目资金", "部门资金", "资金", "项目资金情况", "资金来源", "绩效指标"})


def is_structure(text: str) -> bool:
    """A form label (not a value): a header field, a column header, a block or level label."""
    k = key(text)
    return (
        field_of_label(text) is not None
        or match_column(text, BUDGET_COLUMNS) is not None
        or match_column(text, INDICATOR_COLUMNS) is not None
        or k in _BLOCK_LABELS
        or k == GOAL_LABEL
        or k in LEVEL1_LABELS
        or k in LEVEL2_LABELS
        or is_title(text)
    )


_WEIGHT_IN_HEADER = regex.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分")


def budget_weight_in_header(cells: list[str]) -> str | None:
    """The budget block's weight printed in its score header: `得分(20分*执行率)` -> "20"."""
    for cell in cells:
        if match_column(cell, BUDGET_COLUMNS) == "score" or "得分" in cell:
            found = _WEIGHT_IN_HEADER.search(normalize(cell))
            if found:
                return found.group(1)
    return None


_PLACEHOLDER = regex.compile(r"^(?:指标\d+[:：]?|…+|\.{3,}|/|／|-|—|——|无)$")


def is_placeholder(text: str) -> bool:
    """A template cell left as printed in the blank form: `指标2:`, `……`, `/`."""
    return bool(_PLACEHOLDER.match(key(text)))
