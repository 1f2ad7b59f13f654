"""Rows whose cells a PDF extraction printed out of order: numbers first, their labels after.

Some PDF text layers keep a row on its line but emit its numeric cells before its text cells
(`14 14.00 产出指标(40分) 数量指标 农技推广覆盖数量 ≥300所 305所 /`). Each half keeps its own
order, so the printed row is one interleaving of the two: the one whose cells fit the
header's columns at least cost (`align`). A line is put back in that order only where one
interleaving is cheapest; where several tie, its cells are reported unread, never guessed.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator

from pipeline.extract import headers as h
from pipeline.extract.align import NEVER, Alignment, align, kind_of
from pipeline.extract.glued_budget import budget_label
from pipeline.extract.located import Text
from pipeline.extract.stream_cut import level_of
from pipeline.extract.values import parse_value

MAX_ORDERS = 4096  # interleavings tried per line: more cells than a row has
_NUMERIC = frozenset({"number", "percent", "value", "operator"})

# What a row's cells (their texts, in order) cost in the header's roles; NEVER: no reading.
RowCost = Callable[[list[str]], int]


def stream_cost(roles: tuple[str, ...]) -> RowCost:
    """The token reader's cost of a row (`align`): names, values and numbers by cell type.
    A 序号 opens the line as printed, so it is no cell to interleave. Of two orders that fit
    as well, the one that gives a bound (`≥4600公里`, `120家以上`) to the target wins over
    the one that gives it to the actual (a target bounds, an actual says what was reached),
    and a split target is not read as an operator and a unit around a blank value."""
    row_roles = roles[1:] if roles[:1] == ("seq",) else roles

    def cost(texts: list[str]) -> int:
        fitted = align([kind_of(t) for t in texts], row_roles)
        if not fitted:
            return NEVER
        least = [a for a in fitted if a.cost == fitted[0].cost]
        return 2 * fitted[0].cost + min(_unlikely(a, texts) for a in least)

    return cost


def _unlikely(found: Alignment, texts: list[str]) -> int:
    """1 when the actual holds a bound and the target none, or the target's operator and
    unit are read around no value."""
    target, actual = found.get("target"), found.get("actual")
    bound_in_target = target is not None and _bound(texts[target])
    reached = actual is not None and _bound(texts[actual]) and not bound_in_target
    parts = {r for r, _ in found.cells} & {"target_op", "target_value", "target_unit"}
    hollow = parts == {"target_op", "target_unit"}
    return int(reached or hollow)


def _bound(text: str) -> bool:
    return parse_value(text).op in _BOUNDS


_BOUNDS = frozenset({">=", "<=", ">", "<"})


def unscramble(cells: list[Text], cost: RowCost) -> list[Text]:
    """`cells` with every line that opens with numbers put back in printed order: the one
    order of least `cost` (a rubric has its own), its cells unread where orders tie."""
    out: list[Text] = []
    for line in _lines(cells):
        out.extend(_reordered(line, cost) if _numbers_first(line) else line)
    return out


def labels_first(toks: list[Text]) -> list[Text]:
    """Budget rows printed amounts first (`150.00 150.00 154.50 10 103.00% 10 年度资金总额`):
    the label put back before its amounts. Amounts right after a label are that label's (a
    row broken over lines, the next row's label at the end: left as printed)."""
    out: list[Text] = []
    for line in _lines(toks):
        *amounts, label = line
        orphans = not out or not budget_label(out[-1].text)  # else a row broken after its label
        if (
            amounts
            and orphans
            and budget_label(label.text)
            and all(_amount(a.text) for a in amounts)
        ):
            out.extend([label, *amounts])
        else:
            out.extend(line)
    return out


def _amount(text: str) -> bool:
    value = parse_value(text)
    return value.status == "empty" or (value.is_number and value.op is None)


def _lines(cells: list[Text]) -> Iterator[list[Text]]:
    for _, group in itertools.groupby(cells, key=lambda c: c.line):
        yield list(group)


def _numbers_first(line: list[Text]) -> bool:
    kinds = [kind_of(c.text) for c in line]
    return kinds[0] in _NUMERIC and any(k not in _NUMERIC for k in kinds)


def _reordered(line: list[Text], cost: RowCost) -> list[Text]:
    lead = next(k for k, c in enumerate(line) if kind_of(c.text) not in _NUMERIC)
    numbers, texts = line[:lead], line[lead:]
    if len(texts) == 1 and h.is_label(texts[0].text, h.TOTAL_LABELS):
        return [texts[0], *numbers]  # `100 100.00 合计`
    labels = list(itertools.takewhile(lambda t: level_of(t, None, None) is not None, texts))
    rest = texts[len(labels) :]
    orders = _cheapest(numbers, rest, cost)
    if len(orders) != 1:
        return [dataclasses.replace(c, unread=True) for c in line]
    return [*labels, *orders[0]]


def _cheapest(numbers: list[Text], texts: list[Text], cost: RowCost) -> list[list[Text]]:
    """The interleavings of `numbers` and `texts` (each in its own order) whose cells fit
    the header at least cost; none when there are too many to try."""
    size = len(numbers) + len(texts)
    if _choose(size, len(numbers)) > MAX_ORDERS:
        return []
    best, found = NEVER, []
    for slots in itertools.combinations(range(size), len(numbers)):
        order = _merge(numbers, texts, set(slots))
        paid = cost([c.text for c in order])
        if paid < best:
            best, found = paid, [order]
        elif paid == best and paid < NEVER:
            found.append(order)
    return found


def _merge(numbers: list[Text], texts: list[Text], slots: set[int]) -> list[Text]:
    n, t = iter(numbers), iter(texts)
    return [next(n) if k in slots else next(t) for k in range(len(numbers) + len(texts))]


def _choose(n: int, k: int) -> int:
    out = 1
    for i in range(k):
        out = out * (n - i) // (i + 1)
    return out
