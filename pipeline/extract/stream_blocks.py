"""Tables whose text arrives out of row order: several rows' values first, their labels after.

A PDF text layer keeps each column top to bottom but not the rows: a run of rows' value cells
(`=100% 100% 10 10 及时 及时 20 20 …`) is printed before those rows' labels, level labels are
interleaved with the names, a name wrapped in its cell comes apart (`与委托运营方合同完成 率`),
the 总分 row's numbers end the values while its label ends the labels. Read row by row, such a
stream pairs each name with the next row's values: every row wrong.

`read_blocks` first tells such a table from one in row order (`block_order`); the row
reader is then not used on it. Its rows are mapped by position, the k-th value group to the
k-th name, only when that is certain: the values split into groups of the header's value
columns in one way only, the names (wrapped parts joined back) are exactly as many as the
groups, each score is within its weight, every row's level labels are known, and the weights
are proved by the 总分 row or by every level-1 weight printed. Otherwise the whole stream is
reported unread: a wrong row is worse than an unread one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from decimal import Decimal

from pipeline.extract import headers as h
from pipeline.extract.block_order import BlockStream, out_of_order, sorted_out
from pipeline.extract.located import PAGE_MARK, LocatedTable, RawIndicator, Text, set_total
from pipeline.extract.stream_cut import belongs, level_of
from pipeline.extract.value_groups import only_parse
from pipeline.extract.values import parse_number, weight_in_label

# the roles a mapped row's value group holds, in the header's order; any other column unread
_GROUP_ROLES = frozenset({"target", "actual", "weight", "score"})
_PROVEN = 0.8  # as the row reader's rows proven by the table's numbers
_BUDGET_WEIGHTS = (Decimal(10), Decimal(20))  # what a budget block is worth in every family


def read_blocks(
    region: list[Text], total: tuple[Text, list[Text]] | None, table: LocatedTable
) -> bool:
    """True when the indicator region (the header on, up to the 总分 label; `total`: that
    label and the cells after it) is out of row order: its rows are then in `table` where
    their mapping is certain, else the region is reported unread."""
    stream = sorted_out(region, total)
    if not stream.cells or not out_of_order(stream):
        return False
    rows = _mapped(stream, table)
    if rows is None:
        cells = [c for c in region if not PAGE_MARK.match(c.text)]
        text = " | ".join(c.text for c in cells[:200])
        note = f"{text} （文本顺序打乱，数值与指标名称无法逐行对应）"
        table.unparsed.append(Text(note, cells[0].page, cells[0].line))
        return True
    table.indicators.extend(rows)
    return True


def _mapped(stream: BlockStream, table: LocatedTable) -> list[RawIndicator] | None:
    """The rows, where value groups and names pair one to one beyond doubt; else None."""
    group_roles = [r for r in stream.roles if r in _GROUP_ROLES]
    others = [r for r in stream.roles if r not in _GROUP_ROLES and r != "level3"]
    if set(group_roles) != _GROUP_ROLES or len(group_roles) != 4 or others not in ([], ["reason"]):
        return None  # other columns (a split target, a description, extra scores): not proven
    parsed = only_parse(stream.cells, group_roles, stream.total_label)
    if parsed is None:
        return None
    groups, total, names = parsed
    scores = {id(g[-1]) for g in groups}
    after_group = [n for n in names if id(stream.before.get(id(n))) in scores]
    if "reason" in others and after_group:
        # a text right after a score may be its reason or a name: every such text one or the
        # other; kept as names, no wrapped name is joined (a reason is no name's second line)
        without = [n for n in names if all(n is not a for a in after_group)]
        readings = [names if len(names) == len(groups) else None, _names(without, len(groups))]
        found = [r for r in readings if r is not None]
        as_reasons = readings[0] is None and readings[1] is not None
        reasons = {id(stream.before[id(a)]): a for a in after_group} if as_reasons else {}
    else:
        found = [r for r in [_names(names, len(groups))] if r is not None]
        reasons = {}
    if len(found) != 1 or not groups:
        return None  # no reading, or two: which texts are names is not certain
    rows = [
        _row(g, group_roles, name, reasons.get(id(g[-1])))
        for g, name in zip(groups, found[0], strict=True)
    ]
    proved = (
        all(_within(r) for r in rows)
        and _levels(rows, stream.levels)
        and _weights_proved(rows, total, table)
    )
    if not proved:
        return None
    set_total(table, [c.text for c in total], parse_number)
    weights = sum((_number(r.weight) or Decimal(0) for r in rows), Decimal(0))
    if table.budget is None and total and parse_number(total[0].text) != weights:
        # the 总分 row counts a budget block whose amounts were not read: no total is checked
        note = f"预算执行情况未能读取，总分{total[0].text}含其分值，未作复核"
        table.unparsed.append(Text(note, total[0].page, total[0].line))
    return rows


def _width(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text.strip())


def _names(parts: list[Text], wanted: int) -> list[Text] | None:
    """`wanted` names from the name cells: a cell as wide as the widest (a full line of its
    column) is joined to the narrower cell after it (the rest of the wrapped name), when
    exactly as many such joins as needed are found."""
    extra = len(parts) - wanted
    if extra < 0:
        return None
    if extra == 0:
        return parts
    widest = max(_width(p.text) for p in parts)
    joins = [
        i
        for i in range(len(parts) - 1)
        if _width(parts[i].text) == widest and _width(parts[i + 1].text) < widest
    ]
    if len(joins) != extra:
        return None
    out: list[Text] = []
    for i, part in enumerate(parts):
        if i - 1 in joins:
            head = out[-1]
            out[-1] = Text(head.text + part.text, head.page, head.line, head.where, head.bbox)
        else:
            out.append(part)
    return out


def _row(group: list[Text], roles: list[str], name: Text, reason: Text | None) -> RawIndicator:
    cell = dict(zip(roles, group, strict=True))
    return RawIndicator(
        level1=None,
        level2=None,
        level3=name,
        target=cell["target"],
        actual=cell["actual"],
        weight=cell["weight"],
        score=cell["score"],
        basis=None,
        reason=reason,
        page=name.page,
        line=name.line,
        where=name.where,
        bbox=name.bbox,
        confidence=_PROVEN,
    )


def _number(cell: Text | None) -> Decimal | None:
    return parse_number(cell.text) if cell is not None else None


def _within(row: RawIndicator) -> bool:
    weight, score = _number(row.weight), _number(row.score)
    return weight is not None and score is not None and Decimal(0) <= score <= weight


def _levels(rows: list[RawIndicator], levels: list[Text]) -> bool:
    """Level labels onto the rows, or False: the level-2 labels one to a row in order, each
    row's level 1 the one printed label its level 2 stands under (`_parent`); labels merged
    over rows by the level-1 weights (`_merged_levels`)."""
    kinds: list[int | None] = []
    seen: Text | None = None  # 成本指标 after a level 1 and before no level 2 is a level 2
    for i, cell in enumerate(levels):
        kinds.append(level_of(cell, levels[i + 1] if i + 1 < len(levels) else None, seen))
        seen = cell if kinds[-1] == 1 else seen
    level1 = [c for c, k in zip(levels, kinds, strict=True) if k == 1]
    level2 = [c for c, k in zip(levels, kinds, strict=True) if k == 2]
    if not level1:
        return False
    if len(level2) != len(rows):
        return _merged_levels(rows, _distinct(level1), _distinct(level2))
    for k, (row, label) in enumerate(zip(rows, level2, strict=True)):
        parent = _parent(label, level1)
        if parent is None:
            return False
        rows[k] = replace(row, level1=parent, level2=label)
    return True


def _merged_levels(rows: list[RawIndicator], level1: list[Text], level2: list[Text]) -> bool:
    """Labels merged over several rows: the rows cut into level-1 groups where every level-1
    weight printed is reached (weights are positive, so each cut falls in one place only);
    in a group, its one level 2 on every row, or one level 2 a row in order."""
    cuts: list[tuple[Text, int, int]] = []
    at = 0
    for head in level1:
        stated, start, reached = weight_in_label(head.text)[1], at, Decimal(0)
        while stated is not None and at < len(rows) and reached < stated:
            reached += _number(rows[at].weight) or Decimal(0)
            at += 1
        if stated is None or reached != stated:
            return False
        cuts.append((head, start, at))
    if at != len(rows):
        return False
    parents = [_parent(label, level1) for label in level2]
    if any(p is None for p in parents):
        return False
    for head, start, end in cuts:
        mine = [label for label, p in zip(level2, parents, strict=True) if p is head]
        if len(mine) not in (1, end - start):
            return False
        for k in range(start, end):
            label = mine[0] if len(mine) == 1 else mine[k - start]
            rows[k] = replace(rows[k], level1=head, level2=label)
    return True


def _distinct(labels: list[Text]) -> list[Text]:
    """Labels without the repeats of the one before (a label printed on each of its rows)."""
    out: list[Text] = []
    for label in labels:
        if not out or h.key(out[-1].text) != h.key(label.text):
            out.append(label)
    return out


def _parent(level2: Text, level1: list[Text]) -> Text | None:
    """The printed level 1 a level 2 stands under: the only one it can, or of two the one
    its name carries (服务对象满意度指标 under a printed 满意度指标, not 效益指标)."""
    parents = {h.key(weight_in_label(p.text)[0]): p for p in level1 if belongs(p.text, level2.text)}
    if len(parents) == 1:
        return next(iter(parents.values()))
    named = [p for k, p in parents.items() if k.removesuffix("指标") in h.key(level2.text)]
    return named[0] if len(named) == 1 else None


def _weights_proved(rows: list[RawIndicator], total: list[Text], table: LocatedTable) -> bool:
    """The rows' weights add up to the 总分 row's weight (with or without the budget block's
    points), or every row has a level 1 whose printed weight its rows add up to."""
    weights = [_number(r.weight) or Decimal(0) for r in rows]
    if len(total) == 2:
        stated = parse_number(total[0].text)
        budget = table.budget.weight if table.budget is not None else None
        budgets = [parse_number(budget)] if budget else list(_BUDGET_WEIGHTS)
        if stated is not None and any(stated == sum(weights) + (b or 0) for b in [0, *budgets]):
            return True
    sums: dict[str, Decimal] = {}
    printed: dict[str, Decimal | None] = {}
    for row, weight in zip(rows, weights, strict=True):
        label = row.level1.text if row.level1 is not None else ""
        sums[label] = sums.get(label, Decimal(0)) + weight
        printed[label] = weight_in_label(label)[1]
    return all(printed[k] is not None and printed[k] == v for k, v in sums.items())
