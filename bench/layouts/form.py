"""Lay a family's columns and rows out as a form grid: titles, project rows, budget block,
indicator header (one or two header rows), the indicator rows with merged level cells, total.

Families (families.py) decide what the columns are and what each row prints; this module only
draws, the way the published forms draw: level-1/level-2 labels merged down (or repeated, or
left blank), a 绩效指标 column spanning the block on the left, label cells spanning leftovers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.layouts.content import number_text
from bench.layouts.model import ABOVE, Budget, Form, GridBuilder, TruthRow


@dataclass(frozen=True)
class Column:
    """One printed column: its role (l1, l2, l3, target, op, value, unit, actual, weight,
    score, reason, or a family's extra role) and its header; columns of one `group` share a
    top header cell spanning them (预期指标值 over 符号 · 值 · 单位)."""

    role: str
    header: str
    group: str | None = None


@dataclass
class BudgetBlock:
    """The 项目资金 block: title cell, column headers, and the printed rows (label + values)."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    truth: Budget


@dataclass
class Layout:
    """What one table prints; `rows` pairs each indicator's cells (role → text, None = merged
    into the cell above) with its truth."""

    family: str
    titles: list[str]
    columns: list[Column]
    rows: list[tuple[dict[str, str | None], TruthRow]]
    budget: BudgetBlock | None = None
    total: dict[str, str] | None = None  # role → text of the 总分 row; "label" = its label
    total_truth: str | None = None
    lead: str | None = None  # text of a column spanning the indicator block on the left
    level_style: str = "merge"  # merge | repeat | blank
    info: list[tuple[str, str]] = field(default_factory=list)  # 项目名称 … label/value pairs
    goals: tuple[str, str] | None = None


def draw(layout: Layout) -> Form:
    lead = 1 if layout.lead else 0
    width = len(layout.columns) + lead
    grid = GridBuilder(width)
    _info_rows(grid, layout.info)
    if layout.budget:
        _budget_rows(grid, layout.budget)
    if layout.goals:
        half = (width - 1) // 2
        grid.row([("年度总体目标", 1), ("预期目标", half), ("实际完成情况", width - 1 - half)])
        grid.row([(ABOVE, 1), (layout.goals[0], half), (layout.goals[1], width - 1 - half)])
    head = [(layout.lead, 1)] if layout.lead else []
    _header_rows(grid, layout.columns, head)
    first = grid.n_rows
    previous: dict[str, str | None] = {}
    for cells, _truth in layout.rows:
        entries: list[tuple[str | None, int]] = [(ABOVE, 1)] if lead else []
        shown = _levels(cells, previous, layout.level_style)
        entries += [(shown.get(c.role, ""), 1) for c in layout.columns]
        grid.row(entries)
        previous = cells
    if layout.total:
        grid.row(_total_entries(layout.total, layout.columns, lead))
    return Form(
        family=layout.family,
        titles=layout.titles,
        width=width,
        n_rows=grid.n_rows,
        cells=grid.cells,
        rows=[truth for _, truth in layout.rows],
        budget=layout.budget.truth if layout.budget else None,
        total=layout.total_truth,
        first_indicator_row=first,
    )


def _levels(
    cells: dict[str, str | None], previous: dict[str, str | None], style: str
) -> dict[str, str | None]:
    """Level-1/level-2 labels equal to the row above: merged, repeated or left blank."""

    def same(role: str) -> bool:  # a label wrapped differently is still the same label
        return (previous.get(role) or "").replace("\n", "") == (cells.get(role) or "").replace(
            "\n", ""
        )

    shown = dict(cells)
    same_l1 = same("l1")
    for role, repeated in (("l1", same_l1), ("l2", same_l1 and same("l2"))):
        if repeated and role in cells and style != "repeat":
            shown[role] = ABOVE if style == "merge" else ""
    return shown


def _info_rows(grid: GridBuilder, info: list[tuple[str, str]]) -> None:
    k = 0
    while k < len(info):
        if k + 1 < len(info) and grid.width >= 6 and info[k][0] in ("主管部门", "单位名称"):
            (a, va), (b, vb) = info[k], info[k + 1]
            left = (grid.width - 2) // 2
            grid.row([(a, 1), (va, left), (b, 1), (vb, grid.width - 2 - left)])
            k += 2
        else:
            grid.fill(*info[k])
            k += 1


def _budget_rows(grid: GridBuilder, block: BudgetBlock) -> None:
    n = len(block.headers)
    if grid.width >= n + 2:
        label = grid.width - 1 - n
        grid.row([(block.title, 1), ("", label)] + [(h, 1) for h in block.headers])
        for row in block.rows:
            grid.row([(ABOVE, 1), (row[0], label)] + [(v, 1) for v in row[1:]])
    else:
        label = grid.width - n
        grid.row([(block.title, label)] + [(h, 1) for h in block.headers])
        for row in block.rows:
            grid.row([(row[0], label)] + [(v, 1) for v in row[1:]])


def _header_rows(
    grid: GridBuilder, columns: list[Column], head: Sequence[tuple[str | None, int]]
) -> None:
    if not any(c.group for c in columns):
        grid.row([*head, *[(c.header, 1) for c in columns]])
        return
    top: list[tuple[str | None, int]] = list(head)
    bottom: list[tuple[str | None, int]] = [(ABOVE, 1)] if head else []
    k = 0
    while k < len(columns):
        group = columns[k].group
        if group is None:
            top.append((columns[k].header, 1))
            bottom.append((ABOVE, 1))
            k += 1
            continue
        members = [c for c in columns[k:] if c.group == group]
        n = 0
        while k + n < len(columns) and columns[k + n].group == group:
            n += 1
        top.append((group, n))
        bottom += [(c.header, 1) for c in members[:n]]
        k += n
    grid.row(top)
    grid.row(bottom)


def _total_entries(
    total: dict[str, str], columns: list[Column], lead: int
) -> list[tuple[str | None, int]]:
    """`总分` spans every column left of the first column the row prints a number in."""
    first = next(k for k, c in enumerate(columns) if c.role in total and c.role != "label")
    entries: list[tuple[str | None, int]] = [(total["label"], first + lead)]
    entries += [(total.get(c.role, ""), 1) for c in columns[first:]]
    return entries


def budget_block(
    rng: random.Random,
    *,
    weight: int | None,
    title: str | None = None,
    score_header: str = "得分",
    with_initial: bool = True,
) -> BudgetBlock:
    """A 项目资金 block with consistent amounts: rate = executed / full year, score = weight ×
    min(1, rate). Without `weight` the block prints amounts and rate only."""
    unit = rng.choice(("万元", "万元", "元"))
    full = rng.choice((12.5, 48, 86.4, 150, 320.75, 1200)) * (10000 if unit == "元" else 1)
    rate = rng.choice((1.0, 1.0, rng.uniform(0.82, 0.995), rng.uniform(0.82, 0.995), 1.03))
    executed = round(full * rate, 2)
    rate_text = f"{executed / full * 100:.2f}%"  # over 100 % occurs: spent beyond the budget
    if rate == 1:
        rate_text = rng.choice(("100%", "100.00%"))
    score = None if weight is None else round(weight * min(1.0, executed / full), 2)
    money = _money(rng, unit)
    headers = (["年初预算数"] if with_initial else []) + ["全年预算数", "全年执行数"]
    values = ([money(full)] if with_initial else []) + [money(full), money(executed)]
    if weight is not None:
        headers += ["分值", "执行率", score_header]
        values += [str(weight), rate_text, number_text(score or 0)]
    else:
        headers += ["执行率"]
        values += [rate_text]
    amounts = 3 if with_initial else 2
    rest = ["—" if h in ("分值", score_header) else "" for h in headers[amounts:]]
    rows = [["年度资金总额", *values], ["其中：当年财政拨款", *values[:amounts], *rest]]
    rows += [["上年结转资金"] + [""] * len(headers), ["其他资金"] + [""] * len(headers)]
    truth = Budget(
        full_year=money(full),
        executed=money(executed),
        weight=str(weight) if weight is not None else None,
        exec_rate=rate_text,
        score=number_text(score) if score is not None else None,
        unit=unit,
    )
    return BudgetBlock((title or "项目资金（{unit}）").format(unit=unit), headers, rows, truth)


def _money(rng: random.Random, unit: str) -> Callable[[float], str]:
    commas = unit == "元" and rng.random() < 0.25
    return lambda v: f"{v:,.2f}" if commas else f"{v:.2f}"
