"""Parent rows of a rubric hierarchy: a level printed as a row of its own with its weight and
score (`项目决策（20分） 18`), the rows under it adding up to it.

Such a row prints a label and numbers but no 指标说明 and no 评分标准, which every scored
row of a rubric prints; and the weights of the rows that follow it add up exactly to its
weight. Both must hold: it becomes a `rollup` row (its score is the sum of its children's,
checked by the audit, not counted again in the total) and the rows under it are linked to it
by `parent`. Nested levels are found innermost first: a level-2 row's children are claimed
before its level-1 row looks for its own.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from pipeline.extract.located import RawIndicator, Text
from pipeline.extract.values import parse_number

_RULE_COLUMNS = ("rule_text", "description")


def link_rollups(
    rows: list[RawIndicator], printed: set[str], total: Decimal | None
) -> list[RawIndicator]:
    """`rows` with their parent rows marked `rollup` and their children linked. `printed`
    are the roles the header prints: without a 评分标准 or 指标说明 column nothing is found.
    Where the table prints its total, the rows' scores without the parents must make it,
    unless every row's score does (a rule cell merged over rows leaves a row without one)."""
    if not printed & set(_RULE_COLUMNS):
        return rows
    out = list(rows)
    for i in range(len(out) - 1, -1, -1):
        children = _children(out, i)
        if children:
            out[i] = dataclasses.replace(out[i], kind="rollup")
            for j in children:
                out[j] = dataclasses.replace(out[j], parent=i)
    leaves = [r for r in out if r.kind != "rollup"]
    if total is not None and _score_sum(rows) == total != _score_sum(leaves):
        return rows
    return [_with_levels(out, k) for k in range(len(out))]


def _score_sum(rows: list[RawIndicator]) -> Decimal:
    return sum((s for r in rows if (s := _number(r.score)) is not None), Decimal(0))


def _children(rows: list[RawIndicator], i: int) -> list[int]:
    """The rows after row i, not yet under another parent, whose weights add up to its own."""
    row = rows[i]
    weight = _number(row.weight)
    if weight is None or _number(row.score) is None or any(r in row.extra for r in _RULE_COLUMNS):
        return []
    found: list[int] = []
    total = Decimal(0)
    for j in range(i + 1, len(rows)):
        if rows[j].parent is not None:
            continue  # inside a parent already claimed: counted with that parent
        part = _number(rows[j].weight)
        if part is None:
            return []
        found.append(j)
        total += part
        if total >= weight:
            break
    return found if total == weight else []


def _with_levels(rows: list[RawIndicator], k: int) -> RawIndicator:
    """A row printed without level labels takes them from its parent rows: the outermost is
    its level 1, the one above it (when there are two) its level 2."""
    row = rows[k]
    chain: list[Text] = []
    at = row.parent
    while at is not None:
        name = rows[at].level3
        if name is not None:
            chain.append(name)
        at = rows[at].parent
    if not chain or row.level1 is not None or row.level2 is not None:
        return row
    level2 = chain[0] if len(chain) > 1 else None
    return dataclasses.replace(row, level1=chain[-1], level2=level2)


def _number(cell: Text | None) -> Decimal | None:
    return parse_number(cell.text) if cell is not None else None
