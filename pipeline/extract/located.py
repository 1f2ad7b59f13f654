"""What a located 自评表 holds, as printed: raw strings with their provenance.

Both readers (the grid reader in `locate`, the token reader in `stream`) produce these;
`pipeline.audit.build` turns them into output rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from schemas.tables import TableKind

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Text:
    """A printed string and where it was printed."""

    text: str
    page: int | None
    line: int | None


@dataclass(frozen=True, slots=True)
class RawIndicator:
    level1: Text | None
    level2: Text | None
    level3: Text | None
    target: Text | None
    actual: Text | None
    weight: Text | None
    score: Text | None
    basis: Text | None
    reason: Text | None
    page: int | None
    line: int | None


@dataclass(frozen=True, slots=True)
class RawBudget:
    label: str
    initial: str
    full_year: str
    executed: str
    weight: str
    rate: str
    score: str
    page: int | None
    line: int | None


@dataclass
class LocatedTable:
    """One 自评表 as printed."""

    title: Text
    kind: TableKind
    year: int | None = None
    fields: dict[str, Text] = field(default_factory=dict)
    budget_unit: str | None = None
    budget: RawBudget | None = None
    budget_parts: list[RawBudget] = field(default_factory=list)
    goal_expected: str | None = None
    goal_actual: str | None = None
    indicators: list[RawIndicator] = field(default_factory=list)
    total_weight: str | None = None
    total_score: str | None = None
    grade: str | None = None
    unparsed: list[Text] = field(default_factory=list)  # runs of cells read as no row


def segments(items: list[T], starts_table: Callable[[T], bool]) -> list[list[T]]:
    """`items` cut at every item that starts a table; what precedes the first is dropped."""
    starts = [i for i, item in enumerate(items) if starts_table(item)]
    ends = [*starts[1:], len(items)][: len(starts)]
    return [items[start:end] for start, end in zip(starts, ends, strict=True)]


def set_total(
    table: LocatedTable, numbers: list[str], parse: Callable[[str], Decimal | None]
) -> None:
    """The numbers printed after 总分: weight then score. One number is ambiguous: it is the
    weight total when it equals the weights printed and not the scores printed (得分 left
    blank), otherwise the score."""
    if len(numbers) >= 2:
        table.total_weight, table.total_score = numbers[0], numbers[1]
        return
    if not numbers:
        return
    value = parse(numbers[0])
    weights = [parse(r.weight.text) for r in table.indicators if r.weight]
    scores = [parse(r.score.text) for r in table.indicators if r.score]
    budget = table.budget
    if budget is not None:
        weights.append(parse(budget.weight))
        scores.append(parse(budget.score))
    weight_sum = sum((w for w in weights if w is not None), Decimal(0))
    score_sum = sum((s for s in scores if s is not None), Decimal(0))
    if value is not None and value == weight_sum and (not scores or value != score_sum):
        table.total_weight = numbers[0]
    else:
        table.total_score = numbers[0]
