"""The indicator header of a table that lost its grid, as column roles in printed order.

Header cells arrive as one run of words, named by the shared role vocabulary
(`headers.role_of`). A header printed over two lines comes as its first line, then its second:
`一级指标 二级指标 三级指标 指标说明 指标分值 预期指标值 实际完成值 完成情况 自评得分 符号 值
单位 单项指标得分 权重占比(%) 单项指标折算得分`, where the second line splits 预期指标值 into
符号 · 值 · 单位 and 自评得分 into its three numbers; or `绩效指标 年度指标值 … 一级指标 二级指标
三级指标 指标性质 指标值 度量单位`, where 绩效指标 spans the three levels. `column_roles` puts the
sub-headers in their parent's place: the roles the row cells are aligned to (`align`).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.extract import headers as h

# Words that name a block of columns, not a column: 绩效指标 over 一级/二级/三级指标.
_BLOCKS = frozenset({"绩效指标", "年度绩效指标完成情况", "绩效指标完成情况"})
_NOT_ROW_CELLS = frozenset({"level1", "level2", "block", "seq"})
_AS_ROLE: dict[str, h.ColumnRole] = {role: role for role in h.COLUMN_ROLES}
_PARTS: dict[str, tuple[str, ...]] = {
    "block": ("level1", "level2", "level3"),
    "target": ("target_op", "target_value", "target_unit"),
    "score": ("score_item", "weight_share", "score_converted"),
}


def header_role(text: str) -> str | None:
    """The role of one header cell (a sub-header's too: `值`, `权重占比(%)`), or None."""
    if h.key(text) in _BLOCKS:
        return "block"
    role = h.role_of(text)
    for parent in ("target", "score"):  # the header's second line, under its parent
        sub = h.role_of(text, parent)
        if sub is not None and sub in _PARTS[parent] and (role is None or role == sub):
            return sub
    return role


def is_header_word(text: str) -> bool:
    return header_role(text) is not None


def column_roles(cells: Sequence[str]) -> tuple[str, ...]:
    """Roles of the row cells, in printed order; `seq` first when a 序号 column is printed.
    Level labels are read apart from the row cells (a closed vocabulary)."""
    roles = [r for r in (header_role(c) for c in cells) if r is not None]
    if "target_op" in roles:  # 指标性质 | 指标值 | 度量单位: the 指标值 after it is the value cell
        at = roles.index("target_op")
        if at + 1 < len(roles) and roles[at + 1] == "target":
            roles[at + 1] = "target_value"
    for parent, parts in _PARTS.items():
        roles = _expand(roles, parent, parts)
    if "weight_share" in roles:  # 河北: the score is 单项得分 × 权重占比, 指标分值 its full mark
        renamed = {"weight": "full_mark", "weight_share": "weight", "score_converted": "score"}
        roles = [renamed.get(r, r) for r in roles]
    seq = ("seq",) if "seq" in roles else ()
    return (*seq, *(r for r in roles if r not in _NOT_ROW_CELLS))


def form_family(roles: Sequence[str]) -> h.FormFamily:
    """The family these roles print, in the shared role model's terms (printed order kept)."""
    hebei = "full_mark" in roles
    shared = {"full_mark": "weight", "weight": "weight_share", "score": "score_converted"}
    named = [shared.get(r, r) if hebei else r for r in roles]
    return h.form_family([_AS_ROLE[r] for r in named if r in _AS_ROLE])


def _expand(roles: list[str], parent: str, parts: tuple[str, ...]) -> list[str]:
    """A parent header printed above its sub-headers: the sub-headers take its place."""
    found = [r for r in roles if r in parts]
    if parent not in roles or not found:
        return roles
    if roles.index(parent) > min(roles.index(p) for p in found):
        return roles  # the parts come first: they are columns of their own
    rest = [r for r in roles if r not in parts]
    at = rest.index(parent)
    return [*rest[:at], *found, *rest[at + 1 :]]
