"""Header vocabulary of 自评表: which printed label means which field.

Provinces word the same column a dozen ways (年度指标值 / 预期指标值 / 指标值 …). Each field
lists its synonyms; a header cell maps to the field of the longest synonym it contains, so
实际完成指标值 is the actual (not the target 指标值) and 分值权重 is the weight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeVar, get_args

import regex

from pipeline.extract.values import normalize
from schemas.vocab import TableKind

# The roles a column of the indicator block can play, whatever the family prints. A header
# (one row, or two with sub-headers under 预期指标值 / 自评得分) maps to one role per column.
ColumnRole = Literal[
    "seq",  # 序号
    "level1", "level2", "level3",
    "description",  # 指标说明 / 指标解释 / 指标内涵: what the indicator means, no value
    "target",  # the target in one cell: ≥95%
    "target_op", "target_value", "target_unit",  # the target in three: 指标性质 · 指标值 · 度量单位
    "actual",
    "completion",  # 完成情况 (河北): 完成 / 未完成 / a rate, beside the actual
    "weight",
    "weight_share",  # 权重占比(%) (河北): the weight as a share of 100
    "coefficient",  # 得分系数 (重庆): score = 系数 × 权重
    "score",
    "score_item",  # 单项指标得分 (河北): before conversion
    "score_converted",  # 单项指标折算得分 (河北): 单项得分 × 权重占比
    "score_review",  # 复核分 / 县级评分 / 市级评分 / 财政审核评分: someone else's score
    "rule_text",  # 评分标准 / 评分办法: the rubric's rule, as printed
    "core",  # 是否核心指标
    "reason",
    "basis",
]  # fmt: skip
COLUMN_ROLES: tuple[ColumnRole, ...] = get_args(ColumnRole)

# A header cell maps to the role of the longest synonym it contains (实际完成指标值 is the
# actual, not the target 指标值; 县级评分 a review score, not the self score 评分).
INDICATOR_COLUMNS: dict[ColumnRole, tuple[str, ...]] = {
    "seq": ("序号",),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称", "绩效指标名称", "具体指标"),
    "description": ("指标说明", "指标解释", "指标内涵", "指标释义", "指标定义", "指标含义"),
    "target": ("年度指标值", "预期指标值", "指标值", "目标值", "年度目标值", "预期值",
               "计划值", "年度目标", "预期目标值", "绩效目标值", "年初目标值"),
    "target_op": ("指标性质", "指标符号", "指标方向"),
    "target_unit": ("度量单位", "计量单位", "指标单位"),
    "actual": ("实际完成值", "实际完成指标值", "全年实际值", "实际值", "完成值", "实际完成",
               "实际完成情况", "全年完成值", "实际达成值"),
    "completion": ("完成程度", "完成比例"),
    "weight": ("分值", "分值权重", "权重", "标准分值", "指标分值", "权重分", "指标权重",
               "权重(分)"),
    "weight_share": ("权重占比", "权重比例"),
    "coefficient": ("得分系数", "评分系数"),
    "score": ("得分", "自评得分", "评分", "实际得分", "自评分", "指标得分"),
    "score_item": ("单项指标得分", "单项得分"),
    "score_converted": ("单项指标折算得分", "折算得分", "折合得分"),
    "score_review": ("复核分", "复核得分", "复核评分", "县级评分", "市级评分", "省级评分",
                     "财政审核评分", "财政评分", "审核评分", "审核得分", "主管部门评分",
                     "评价组评分", "核定得分"),
    "rule_text": ("评分标准", "评分办法", "评分规则", "评分细则", "计分方法", "评分要点",
                  "指标说明及评分标准", "评价标准"),
    "core": ("是否核心指标",),
    "reason": ("偏差原因分析及改进措施", "未完成原因", "偏差原因", "原因分析",
               "未完成原因分析", "偏差原因及改进措施", "改进措施"),
    "basis": ("指标值设定依据", "设定依据", "指标值设定依据及数据来源"),
}  # fmt: skip

# Words that name a column only as a whole header cell: inside a longer cell they are part of
# an indicator name (基尼系数, 任务完成情况, 核心指标完成率).
_WHOLE_CELL: dict[str, ColumnRole] = {
    "系数": "coefficient", "占比": "weight_share", "完成情况": "completion",
    "核心指标": "core", "单位": "target_unit", "指标性质": "target_op",
}  # fmt: skip

# Short sub-header words that mean a role only as a whole cell under their parent header
# (符号 · 值 · 单位 under 预期指标值); anywhere else they are ordinary words.
_SUB_ROLES: dict[ColumnRole, dict[str, ColumnRole]] = {
    "target": {"符号": "target_op", "性质": "target_op", "运算符": "target_op",
               "值": "target_value", "数值": "target_value", "指标值": "target_value",
               "单位": "target_unit", "计量单位": "target_unit", "度量单位": "target_unit"},
    "score": {"单项指标得分": "score_item", "单项得分": "score_item", "得分": "score_item",
              "权重占比": "weight_share", "权重": "weight_share",
              "折算得分": "score_converted", "单项指标折算得分": "score_converted"},
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
_TITLE = regex.compile(r"(自评表|自评价表|绩效评价表|自评情况表|评价指标评分表|自评评分表)")


_UNIT_SUFFIX = regex.compile(r"[(（][^()（）]*[)）]$")
_SENTENCE_PUNCTUATION = regex.compile(r"[，,。；;]")


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """A header cell reduced for matching: NFKC, no spaces, no unit in brackets.

    Cached: every cell of every table is matched against each vocabulary."""
    folded = _SPACES.sub("", normalize(text))
    return _UNIT_SUFFIX.sub("", folded)


F = TypeVar("F", bound=str)


def match_column(text: str, vocabulary: Mapping[F, tuple[str, ...]]) -> F | None:
    """The field whose longest synonym `text` contains, or None."""
    k = key(text)
    if not k or len(k) > 20:
        return None
    best: tuple[int, F] | None = None
    for field, synonyms in vocabulary.items():
        for synonym in synonyms:
            if synonym in k and (best is None or len(synonym) > best[0]):
                best = (len(synonym), field)
    return best[1] if best else None


def map_columns(cells: Sequence[str], vocabulary: Mapping[F, tuple[str, ...]]) -> dict[F, int]:
    """field -> column index for a header row; the first column claiming a field keeps it."""
    found: dict[F, int] = {}
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
    """The budget block's weight printed in its header: in the score header `得分(20分*执行率)`
    or at the end of the block label `预算执行情况（万元）（20分）` -> "20"."""
    for cell in cells:
        if match_column(cell, BUDGET_COLUMNS) == "score" or "得分" in cell:
            found = _WEIGHT_IN_HEADER.search(normalize(cell))
            if found:
                return found.group(1)
    for cell in cells:
        found = _WEIGHT_AT_END.search(normalize(cell))
        if found:
            return found.group(1)
    return None


_WEIGHT_AT_END = regex.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")


_PLACEHOLDER = regex.compile(r"^(?:指标\d+[:：]?|…+|\.{3,}|/|／|-|—|——|无)$")


def is_placeholder(text: str) -> bool:
    """A template cell left as printed in the blank form: `指标2:`, `……`, `/`."""
    return bool(_PLACEHOLDER.match(key(text)))


# ---- the role model: a printed header -> one role per column, and the family it shows ----

FormFamily = Literal[
    "mof",  # 一级 · 二级 · 三级 · 年度指标值 · 实际完成值 · 分值 · 得分 · 偏差原因 (the seeds)
    "weight_first",  # 分值 before the target (安徽, 宁夏)
    "no_weight",  # scores but no weight column (湖北 20-point)
    "split_target",  # 指标性质 · 指标值 · 度量单位 (四川, 云南)
    "weighted_conversion",  # 单项得分 × 权重占比 = 折算得分 (河北)
    "coefficient",  # 得分系数 × 指标权重 = 指标得分 (重庆)
    "targets_only",  # no weight, no score (区域 / 转移支付 绩效目标自评表)
    "rubric",  # 评分标准 / 复核分, weights in labels (项目决策 / 项目管理 / 项目绩效)
    "unknown",  # a header none of the above explains: rows read, rules not applied
]  # fmt: skip

_SCORE_ROLES = frozenset({"score", "score_item", "score_converted", "score_review"})
_TARGET_PARTS = frozenset({"target_op", "target_value", "target_unit"})


@dataclass(frozen=True, slots=True)
class HeaderRoles:
    """What each column of an indicator block means, as its header says.

    `roles[i]` is the role of column i (None: a column no role explains, kept as raw text by
    no one). `depth` is how many printed rows the header used (2 when sub-headers sit under
    预期指标值 / 自评得分)."""

    roles: tuple[ColumnRole | None, ...]
    depth: int
    family: FormFamily

    def column(self, role: ColumnRole) -> int | None:
        """The first column playing `role`, or None."""
        return next((i for i, r in enumerate(self.roles) if r == role), None)

    def columns(self) -> dict[ColumnRole, int]:
        """role -> first column playing it."""
        found: dict[ColumnRole, int] = {}
        for i, role in enumerate(self.roles):
            if role is not None and role not in found:
                found[role] = i
        return found


def role_of(text: str, parent: ColumnRole | None = None) -> ColumnRole | None:
    """The role a header cell names; under `parent` (the header cell above it), the short
    sub-header words too: `值` under 预期指标值 is target_value, `权重占比(%)` under 自评得分
    weight_share."""
    k = key(text)
    if parent is not None and k in _SUB_ROLES.get(parent, {}):
        return _SUB_ROLES[parent][k]
    if k in _WHOLE_CELL:
        return _WHOLE_CELL[k]
    return match_column(text, INDICATOR_COLUMNS)


def header_roles(top: Sequence[str], sub: Sequence[str] | None = None) -> HeaderRoles:
    """Roles of a header printed as one row (`top`) or two (`sub` under `top`, aligned by
    column: a cell spanning two rows or columns repeats its text in each position it covers,
    as `Table.dense()` gives it). Pass `sub` only when `is_sub_header(top, sub)`."""
    roles: list[ColumnRole | None] = []
    for i, above in enumerate(top):
        below = sub[i] if sub is not None and i < len(sub) else ""
        parent = role_of(above)
        if key(below) and key(below) != key(above):
            roles.append(role_of(below, parent) or parent)
        else:
            roles.append(parent)
    return _finish(roles, depth=2 if sub is not None else 1)


def flat_header_roles(cells: Sequence[str]) -> HeaderRoles:
    """Roles of a header that lost its grid (text): the cells in reading order, where a
    parent header is followed by its sub-headers (`预期指标值 符号 值 单位`). The parent then
    names no column of its own: its sub-headers do."""
    roles: list[ColumnRole | None] = []
    parent: ColumnRole | None = None
    pending_parent = False
    for text in cells:
        sub = role_of(text, parent) if parent in _SUB_ROLES else None
        if parent in _SUB_ROLES and sub is not None and key(text) in _SUB_ROLES[parent]:
            if pending_parent:
                roles.pop()  # the parent spans its sub-headers: it is no column itself
                pending_parent = False
            roles.append(sub)
            continue
        parent = role_of(text)
        roles.append(parent)
        pending_parent = parent in _SUB_ROLES
    return _finish(roles, depth=1)


def is_sub_header(top: Sequence[str], sub: Sequence[str]) -> bool:
    """`sub` is a second header row under `top`: every cell that differs from the one above
    names a role (under its parent), and at least one does."""
    differing = [
        (above, below)
        for above, below in zip(top, sub, strict=False)
        if key(below) and key(below) != key(above)
    ]
    return bool(differing) and all(
        role_of(below, role_of(above)) is not None for above, below in differing
    )


def _finish(roles: list[ColumnRole | None], depth: int) -> HeaderRoles:
    """A lone 指标值 beside 指标性质 / 度量单位 is the value part of a split target."""
    if _TARGET_PARTS & set(roles) and "target_value" not in roles and "target" in roles:
        roles[roles.index("target")] = "target_value"
    return HeaderRoles(tuple(roles), depth, form_family(roles))


def form_family(roles: Sequence[ColumnRole | None]) -> FormFamily:
    """The family a header's roles show (TEMPLATES.md); `unknown` when none fits. The tests
    run in order: a 河北 header also splits its target, a rubric has no target at all."""
    present = set(roles)
    scored = bool(_SCORE_ROLES & present)
    has_target = bool({"target", "actual"} & present or _TARGET_PARTS & present)
    tests: tuple[tuple[FormFamily, bool], ...] = (
        ("weighted_conversion", bool({"score_item", "score_converted", "weight_share"} & present)),
        ("coefficient", "coefficient" in present),
        ("rubric", bool({"rule_text", "score_review"} & present) or (scored and not has_target)),
        ("unknown", "level3" not in present or not has_target),
        ("split_target", bool(_TARGET_PARTS & present)),
        ("targets_only", not scored and "weight" not in present),
        ("no_weight", "weight" not in present),
        ("weight_first", _weight_before_values(roles)),
    )
    return next((family for family, holds in tests if holds), "mof")


def _weight_before_values(roles: Sequence[ColumnRole | None]) -> bool:
    weight = next((i for i, r in enumerate(roles) if r == "weight"), None)
    value = next((i for i, r in enumerate(roles) if r in ("target", "actual")), None)
    return weight is not None and value is not None and weight < value
