"""Row kinds, decided the same way for rows read from a grid and from text.

A row that prints a target or actual but neither weight nor score is not a scored row of its
own: a 其中 sub-row is part of the full row above it (its numbers add up to the parent's), and
where one score is printed per 二级 group the group's other rows are members of the row that
carries it. A 湖北 level `效益指标(20分)` of one scored row gives that row its weight.
"""

from __future__ import annotations

import dataclasses

import regex

from pipeline.extract.headers import FormFamily, key
from pipeline.extract.located import LocatedTable, RawIndicator
from pipeline.extract.values import normalize, weight_in_label

_PART = regex.compile(r"^\s*其中\s*[:：、]?")


def settle_kinds(table: LocatedTable, family: FormFamily) -> None:
    """Kinds and parent links of `table.indicators`, in place."""
    rows = table.indicators
    for i, row in enumerate(rows):
        rows[i] = _part_of(row, rows[:i])
    _link_groups(table)
    if family == "no_weight":
        _level_weights(table)


def _part_of(row: RawIndicator, before: list[RawIndicator]) -> RawIndicator:
    """A 其中 sub-row (target/actual, no weight or score) is part of the last full row."""
    if row.level3 is None or row.weight is not None or row.score is not None:
        return row
    parent = next(
        (i for i in range(len(before) - 1, -1, -1) if before[i].kind == "indicator"), None
    )
    follows_part = bool(before) and before[-1].kind == "part"
    if parent is not None and (_PART.match(row.level3.text) or follows_part):
        return dataclasses.replace(row, kind="part", parent=parent)
    return row


def _link_groups(table: LocatedTable) -> None:
    """One score per 二级 group: the group's other rows print neither weight nor score.
    They become `group_member`s of the row that carries the score."""
    rows = table.indicators
    if not any(r.score is not None for r in rows):
        return  # a form published unfilled: blank scores are no groups
    head: int | None = None
    for i, row in enumerate(rows):
        same_group = head is not None and _group(rows[head]) == _group(row)
        if row.kind == "indicator" and row.score is not None:
            head = i
        elif same_group and row.kind == "indicator" and row.weight is None and row.score is None:
            rows[i] = dataclasses.replace(row, kind="group_member", parent=head)
        elif not same_group:
            head = None


def _level_weights(table: LocatedTable) -> None:
    """No weight column (湖北): a level printed as `效益指标(20分)` whose only scored row is
    this one gives the row its weight (`weight_source` "level"). Levels of several rows leave
    their rows unweighted: how the level's points are shared is not printed."""
    by_level: dict[str, list[int]] = {}
    for i, row in enumerate(table.indicators):
        if row.level1 is not None:  # parts and group members count: the score is shared
            by_level.setdefault(normalize(row.level1.text), []).append(i)
    for label, members in by_level.items():
        _, weight = weight_in_label(label)
        row = table.indicators[members[0]]
        if weight is None or len(members) != 1 or row.weight is not None or row.score is None:
            continue
        # the weight stays unprinted (`weight` None): the audit takes it from the label
        table.indicators[members[0]] = dataclasses.replace(row, weight_source="level")


def _group(row: RawIndicator) -> tuple[str, str]:
    """The row's levels as matched: a mirror site prints the same label with and without
    pinyin, in traditional or simplified characters."""
    return (key(row.level1.text) if row.level1 else "", key(row.level2.text) if row.level2 else "")
