"""The indicator header of a table that lost its grid, as column roles in printed order.

Header cells arrive as one run of words: `一级指标 二级指标 三级指标 指标说明 指标分值 预期指标值
实际完成值 完成情况 自评得分 符号 值 单位 单项指标得分 权重占比(%) 单项指标折算得分` is a header
over two lines, whose second line splits 预期指标值 into 符号 · 值 · 单位 and 自评得分 into its
three numbers. `column_roles` gives the roles the row cells are aligned to (`align`).
"""

from __future__ import annotations

from pipeline.extract import headers as h

# Roles of the extra columns real forms carry, matched before the core vocabulary (权重占比
# holds 权重, 单项指标折算得分 holds 得分). Exact labels for the short, ambiguous words.
_EXTRA_CONTAINS: tuple[tuple[str, str], ...] = (
    ("指标说明及评分标准", "rule"),
    ("评分标准", "rule"),
    ("评分规则", "rule"),
    ("指标说明", "description"),
    ("指标解释", "description"),
    ("复核", "review"),
    ("县级评分", "review"),
    ("市级评分", "review"),
    ("审核评分", "review"),
    ("是否核心", "core"),
    ("得分系数", "coefficient"),
    ("权重占比", "share"),
    ("折算得分", "converted"),
    ("单项指标得分", "item_score"),
    ("单项得分", "item_score"),
    ("指标性质", "nature"),
    ("度量单位", "unit"),
    ("计量单位", "unit"),
)
_EXTRA_EXACT = {
    "符号": "nature",
    "值": "tvalue",
    "单位": "unit",
    "完成情况": "status",
    "系数": "coefficient",
    "序号": "serial",
    "绩效指标": "block",
    "年度绩效指标完成情况": "block",
}
_NOT_ROW_CELLS = frozenset({"level1", "level2", "block", "serial"})


def header_role(text: str) -> str | None:
    """The role of one header cell, or None when it is not a header word."""
    k = h.key(text)
    if k in _EXTRA_EXACT:
        return _EXTRA_EXACT[k]
    for word, role in _EXTRA_CONTAINS:
        if word in k and len(k) <= 20:
            return role
    return h.match_column(text, h.INDICATOR_COLUMNS)


def column_roles(cells: list[str]) -> tuple[str, ...]:
    """Roles of the row cells, in printed order. Level labels are read apart from the row
    cells; `serial` is kept first when a 序号 column is printed."""
    roles = [r for r in (header_role(c) for c in cells) if r is not None]
    if "nature" in roles:  # 指标性质 | 指标值 | 度量单位: the 指标值 after it is the value cell
        at = roles.index("nature")
        if at + 1 < len(roles) and roles[at + 1] == "target":
            roles[at + 1] = "tvalue"
    roles = _expand(roles, "block", ("level1", "level2", "level3"))
    roles = _expand(roles, "target", ("nature", "tvalue", "unit"))
    roles = _expand(roles, "score", ("item_score", "share", "converted"))
    if "share" in roles:  # 河北: the score is 单项得分 × 权重占比; 指标分值 is the full mark
        renamed = {"weight": "full_mark", "share": "weight", "converted": "score"}
        roles = [renamed.get(r, r) for r in roles]
    serial = ("serial",) if "serial" in roles else ()
    return (*serial, *(r for r in roles if r not in _NOT_ROW_CELLS))


def _expand(roles: list[str], parent: str, parts: tuple[str, ...]) -> list[str]:
    """A parent header printed above its sub-headers: the sub-headers take its place."""
    found = [r for r in roles if r in parts]
    if parent not in roles or not found:
        return roles
    at = roles.index(parent)
    if at > min(roles.index(p) for p in found):
        return roles  # the parts come first: they are columns of their own
    rest = [r for r in roles if r not in parts]
    at = rest.index(parent)
    return [*rest[:at], *found, *rest[at + 1 :]]


def is_header_word(text: str) -> bool:
    return header_role(text) is not None or h.key(text) in {"指标值"}
