"""A row's value cells found in a stream of cells by the header's value columns.

Text out of row order prints rows' value cells apart from their names; which cells make one
row's values is found by the columns' grammar (a weight is a number, a target a value or a
short word, 是否核心指标 是/否 …): `only_parse` splits the cells into value groups, the 总分
row's numbers and the rest (names), and answers only when one split fits.
"""

from __future__ import annotations

from pipeline.extract import headers as h
from pipeline.extract.align import kind_of
from pipeline.extract.located import Text
from pipeline.extract.values import parse_number

# the columns a row's value group can hold, each one cell
VALUE_ROLES = frozenset({"target", "actual", "weight", "score", "coefficient", "core"})
VALUE_ROLES |= {"target_op", "target_value", "target_unit", "full_mark", "score_item"}
VALUE_ROLES |= {"score_review"}
_NUMBER_ROLES = frozenset({"score", "coefficient", "full_mark", "score_item", "score_review"})
_NUMERIC = frozenset({"number", "percent", "value", "operator"})
_QUALITATIVE = frozenset({"text", "answer", "yesno", "unit"})  # 及时, 是, 达标 as a value


def only_parse(
    cells: list[Text], roles: list[str], totalled: bool
) -> tuple[list[list[Text]], list[Text], list[Text]] | None:
    """Cells as value groups (one per row, the header's value columns in order), the 总分 row's
    numbers after the last group, and names: None unless exactly one way fits. A number is
    never a name; a short word is a value (及时) only inside a group."""
    n = len(cells)
    size = len(roles)
    memo: dict[tuple[int, bool], int] = {}

    def group_at(at: int) -> bool:
        if at + size > n:
            return False
        return all(fits(cells[at + k], role) for k, role in enumerate(roles))

    def ways(at: int, closed: bool) -> int:
        """Parses of cells[at:]; `closed`: the total was read, no group may follow."""
        if at == n:
            return 1
        key = (at, closed)
        if key in memo:
            return memo[key]
        count = 0
        if not numeric(cells[at]):
            count += ways(at + 1, closed)
        if not closed and group_at(at):
            count += ways(at + size, False)
        if totalled and not closed:
            for k in (1, 2):
                numbers = cells[at : at + k]
                if at + k <= n and all(parse_number(c.text) is not None for c in numbers):
                    count += ways(at + k, True)
        memo[key] = min(count, 2)
        return memo[key]

    if ways(0, False) != 1:
        return None
    groups: list[list[Text]] = []
    total: list[Text] = []
    names: list[Text] = []
    at, closed = 0, False
    while at < n:  # follow the one parse
        if not numeric(cells[at]) and ways(at + 1, closed) == 1:
            names.append(cells[at])
            at += 1
        elif not closed and group_at(at) and ways(at + size, False) == 1:
            groups.append(cells[at : at + size])
            at += size
        else:
            k = next(k for k in (1, 2) if at + k <= n and ways(at + k, True) == 1)
            total, at, closed = cells[at : at + k], at + k, True
    return groups, total, names


def fits(cell: Text, role: str) -> bool:
    """Whether a cell can be the value of this column: a number where only a number can
    stand (a weight may be a percentage, 是否核心指标 is 是/否, 指标性质 a comparator or
    定性), a target or actual also a short word (及时, 达标)."""
    kind = kind_of(cell.text)
    if role in _KINDS:
        return kind in _KINDS[role]
    if numeric(cell):
        return True
    bare = h.key(cell.text)
    return kind in _QUALITATIVE and 0 < len(bare) <= 6 and not h.is_structure(cell.text)


# the kinds of cell a column takes where it takes no word
_KINDS: dict[str, frozenset[str]] = {
    "weight": frozenset({"number", "percent"}),
    **dict.fromkeys(_NUMBER_ROLES, frozenset({"number"})),
    "core": frozenset({"yesno"}),
    "target_op": frozenset({"operator", "nature"}),
    "target_unit": frozenset({"unit"}),
}


def numeric(cell: Text) -> bool:
    return kind_of(cell.text) in _NUMERIC
