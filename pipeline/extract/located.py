"""What a located 自评表 holds, as printed: raw strings with their provenance.

Both readers (the grid reader in `locate`, the token reader in `stream`) produce these;
`pipeline.audit.build` turns them into output rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeVar

import regex

from pipeline.extract import headers as h
from pipeline.extract.headers import ColumnRole, FormFamily
from pipeline.extract.values import normalize
from schemas.ir import BBox
from schemas.vocab import TableKind

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Text:
    """A printed string and where it was printed: page and line, and the place in the
    format's own terms with, for PDF, the cell's box (see `schemas.ir`). `ocr` is the
    recogniser's confidence (0-1) when the string was read from a scan by OCR, else None."""

    text: str
    page: int | None
    line: int | None
    where: str | None = field(default=None, compare=False)
    bbox: BBox | None = field(default=None, compare=False)
    ocr: float | None = None
    # cells that ran together and could not be cut with proof (`unglue`): reported as
    # unread, never aligned to a column
    unread: bool = field(default=False, compare=False)
    # the text as printed where OCR look-alikes were repaired (`IO0` read as 100): kept so
    # the repair can be shown (`pipeline.extract.lookalike`)
    printed: str | None = field(default=None, compare=False)
    # the first cell after a page mark or running title the text skipped (`- 3 -`, 续表):
    # a page ended before it, perhaps inside a cell
    follows_break: bool = field(default=False, compare=False)


# What a row is within its table.
RowKind = Literal[
    "indicator",  # a row of its own: name, target/actual, weight and score as printed
    "part",  # a 其中 sub-row: target/actual only, `parent` is the row it is part of
    "rollup",  # a parent whose weight and score are the sums of its children (rubric)
    "group_member",  # one score per 二级 group: this row's score is blank, `parent` holds it
]

# Where a row's weight was printed.
WeightSource = Literal[
    "column",  # in the weight column
    "label",  # in the name: `资金到位率(4分)`
    "share",  # as 权重占比 (%), a share of the table's 100
    "level",  # implied by the level header `产出指标(60分)` (湖北, no weight column)
    "none",  # nowhere
]


@dataclass(frozen=True, slots=True)
class RawIndicator:
    """One indicator row as printed. The first eleven fields are the columns every reader
    fills; the rest have defaults so that a reader that knows less still builds rows.

    `extra` keeps every other cell the header names by role (指标说明, 评分标准, 复核分,
    得分系数, 权重占比, 折算得分, the parts of a split target …), so nothing printed is lost
    and no extra column is mistaken for a value. `parent` is the index, in its table's
    `indicators`, of the row this one belongs to (`part`, `group_member`). `confidence` is
    how sure the reader is that the cells sit where their roles say: 1.0 for a grid row
    under a header it understood, lower for rows a reader aligned by cell type."""

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
    extra: Mapping[ColumnRole, Text] = field(default_factory=dict)
    kind: RowKind = "indicator"
    parent: int | None = None
    confidence: float = 1.0
    weight_source: WeightSource = "column"
    where: str | None = None  # the name's place (or the row's first cell's), format's terms
    bbox: BBox | None = None  # PDF: the row's cells on `page`, as one box


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


# How a table's rows were read: by grid position, or from text that lost its grid.
ReadBy = Literal["grid", "text"]


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
    total_review: str | None = None  # the 合计 row's number under 复核分 / 县级评分 …
    grade: str | None = None
    unparsed: list[Text] = field(default_factory=list)  # runs of cells read as no row
    form_family: FormFamily = "unknown"
    read_by: ReadBy = "grid"
    roles: tuple[ColumnRole | None, ...] = ()  # the header's role per column, as read
    # its text showed OCR look-alikes (`Text.printed`): a target opening with 2 may hide a ≥
    lookalikes: bool = False


def segments(items: list[T], starts_table: Callable[[T], bool]) -> list[list[T]]:
    """`items` cut at every item that starts a table; what precedes the first is dropped."""
    starts = [i for i, item in enumerate(items) if starts_table(item)]
    ends = [*starts[1:], len(items)][: len(starts)]
    return [items[start:end] for start, end in zip(starts, ends, strict=True)]


# A page number or running header where a page ended inside a table: `- 3 -`, `第 3 页`, 续表,
# `2、` (a line of its own: a page number some converters print so).
PAGE_MARK = regex.compile(
    r"^\s*(?:[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|续表|[(（]续[)）]|\d{1,3}\s*、)\s*$"
)


def continues_table(text: str) -> bool:
    """`绩效自评表（续）` after a page break: the table above goes on, no new table starts."""
    return "续" in normalize(text) and h.is_title(text)


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


_TOTAL_OF = {"weight": "weight", "score": "score", "score_review": "review"}


def set_totals_in_order(
    table: LocatedTable,
    numbers: list[str],
    roles: Sequence[str | None],
    parse: Callable[[str], Decimal | None],
) -> None:
    """A total row whose numbers sit under no column (text, a ragged row): they follow the
    header's number columns in printed order (weight, score, review score). One number more
    than columns is the weights' total first; with fewer numbers than columns the weight
    total is there only when the first number is the weights' sum; a review column left
    blank drops out at the end."""
    order = [_TOTAL_OF[r] for r in roles if r in _TOTAL_OF]
    if "weight" not in order and len(numbers) == len(order) + 1:
        order.insert(0, "weight")  # 合计 100 93 87.5: the weights' total under a text column
    if "weight" in order and len(numbers) < len(order):
        weights = [parse(r.weight.text) for r in table.indicators if r.weight is not None]
        first = parse(numbers[0]) if numbers else None
        if first is None or first != sum((w for w in weights if w is not None), Decimal(0)):
            order.remove("weight")
    for name, number in zip(order, numbers, strict=False):
        setattr(table, f"total_{name}", number)


def joined_target(op: Text | None, value: Text | None, unit: Text | None) -> Text | None:
    """A target printed in three cells read as one: `﹦ | 72890 | 元` -> `﹦ 72890 元`,
    `定性 | 优良中低差` -> `定性 优良中低差` (the value parser reads the nature word as a
    qualitative target). Cells are joined with single spaces; the three cells are also kept
    in `RawIndicator.extra` by role."""
    parts = [t for t in (op, value, unit) if t is not None and t.text.strip()]
    if not parts:
        return None
    first = parts[0]
    read = [t.ocr for t in parts if t.ocr is not None]  # as sure as its least sure part
    text = " ".join(" ".join(t.text.split()) for t in parts)
    return Text(text, first.page, first.line, ocr=min(read) if read else None)
