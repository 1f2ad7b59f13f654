"""One glued line cut into level labels and one cell per column role, by the value grammar.

A line is cut into level labels (a closed vocabulary) and one cell per role by the grammar of
`glued_cells`: a name is text that ends in no digit, a weight a small number, a score no
larger than its weight, a target or actual a value (`≥300所`), a share or a phrase
(`达成预期指标`). Digits that run together (`1414.00`: 14 | 14.00 or 141 | 4.00) can be cut
several ways; the sums a table prints choose among them (`proven_cuts`, `glued_proof`), and
least cost only among what they leave.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from pipeline.extract import headers as h
from pipeline.extract.glued_cells import (
    FREE_BLANKS,
    TEXT_ROLES,
    alternation,
    arithmetic,
    consistent,
    decimals,
    fits,
    scored_with_weight,
    split_words,
)
from pipeline.extract.glued_proof import level_groups, prove_sum, proven
from pipeline.extract.glued_tails import tails
from pipeline.extract.located import Text
from pipeline.extract.stream_header import header_role
from pipeline.extract.values import weight_in_label

MAX_NAME = 40  # characters of an indicator name
MAX_CUTS = 1024  # cuts of one line kept at most: more is no reading

# 绩效指标 (the block over 一级/二级/三级指标) is left out: inside a header run it is the start
# of 年度绩效指标值; before 一级指标 it stands alone as the unknown text before the first word.
HEADER_WORDS = alternation({s for synonyms in h.INDICATOR_COLUMNS.values() for s in synonyms})
LEVELS = h.LEVEL1_LABELS | h.LEVEL2_LABELS


def sub_header(line: list[Text]) -> list[str] | None:
    """A header's second line, glued (`指标性质指标值度量单位`): every word a header word."""
    if len(line) != 1:
        return None
    words = split_words(line[0].text, HEADER_WORDS)
    if words is None or any(header_role(w) is None for w in words):
        return None
    return words


@dataclass(frozen=True)
class Cut:
    """One way of reading a glued line: its level labels and one cell per role."""

    labels: tuple[str, ...]
    cells: tuple[tuple[str, str], ...]  # (role, text); blank roles left out

    def get(self, role: str) -> str | None:
        return next((t for r, t in self.cells if r == role), None)

    def texts(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.cells)


def proven_cuts(
    texts: list[str], glued: list[bool], roles: tuple[str, ...], sums: set[tuple[Decimal, ...]]
) -> list[list[Cut]]:
    """The cuts of each glued line of a block of rows (`glued`: which texts are one run)
    that its sums leave, least cost first. The sums are proven over every weight and score
    a line may hold however its texts divide (its tails): a line no cut reads still counts,
    and a line whose reading the grammar misses cannot make a wrong choice fit the sum."""
    groups = level_groups([level1_of(t) for t in texts])
    bounds = {k: weight for members, weight in groups for k in members}  # no row weighs more
    loose = [
        tails(level_labels(t)[1], roles, level_bound(t, bounds.get(k))) for k, t in enumerate(texts)
    ]
    for members, weight in groups:
        prove_sum(loose, members, {(weight,)})
    if {"weight", "score"} <= set(roles):
        prove_sum(loose, range(len(loose)), sums, ("weight", "score"))
    elif "score" in roles:  # no weight column (湖北): the total is the scores'
        prove_sum(loose, range(len(loose)), sums, ("score",))
    cuts = [cut_line(t, roles, bounds.get(k)) if one else [] for k, (t, one) in
            enumerate(zip(texts, glued, strict=True))]  # fmt: skip
    return [choose(proven(c, wide), roles) for c, wide in zip(cuts, loose, strict=True)]


def cut_line(text: str, roles: tuple[str, ...], bound: Decimal | None = None) -> list[Cut]:
    """Every cut of `text` into level labels and cells for `roles` that the value grammar
    allows (the choice among them is `_choose`'s, after the weights had their say).
    `bound`: the weight the line's level label prints, where the label opened an earlier line;
    no weight or score of the level passes it."""
    labels, rest = level_labels(text)
    if not rest or not _cuttable(roles):
        return []
    bound = level_bound(text, bound)
    found = list(itertools.islice(_cells(rest, roles, bound), MAX_CUTS + 1))
    if len(found) > MAX_CUTS:
        return []
    return [Cut(tuple(labels), cells) for cells in sorted(set(found))]


def choose(cuts: list[Cut], roles: tuple[str, ...]) -> list[Cut]:
    """The cuts of least cost: a value column left blank, or a cut between two digits (a
    number printed against the next: `1414.00`), costs one; among several, those whose
    family arithmetic holds (系数 × 权重 = 得分), else those it cannot be checked on."""
    if not cuts:
        return cuts
    least = min(_cost(c, roles) for c in cuts)
    kept = [c for c in cuts if _cost(c, roles) == least]
    if len(kept) > 1:
        holds = [c for c in kept if arithmetic(c.cells) is True]
        kept = holds or [c for c in kept if arithmetic(c.cells) is None] or kept
    return kept


_FORMATTED = ("weight", "score", "coefficient", "score_item", "score_converted")


def by_format(cuts: list[list[Cut]]) -> None:
    """Lines with several cuts keep the one whose weight and score print the decimals the
    column prints on every line read one way only (`14.00` `13.00`, not `0`)."""
    styles: dict[str, Counter[int]] = {}
    for found in cuts:
        if len(found) == 1:
            for role, text in found[0].cells:
                if role in _FORMATTED:
                    styles.setdefault(role, Counter())[decimals(text)] += 1
    # a column speaks only when every line read one way prints it alike, and a score column
    # only with fixed decimals (`14.00`): integer scores turn decimal where points are lost
    usual = {
        role: next(iter(seen))
        for role, seen in styles.items()
        if len(seen) == 1 and (role == "weight" or next(iter(seen)) > 0)
    }
    for k, found in enumerate(cuts):
        if len(found) > 1:
            fits_usual = [c for c in found if _usual(c, usual)]
            if len(fits_usual) == 1:
                cuts[k] = fits_usual


def _usual(cut: Cut, usual: dict[str, int]) -> bool:
    return all(decimals(t) == usual[r] for r, t in cut.cells if r in usual)


def _cost(cut: Cut, roles: tuple[str, ...]) -> int:
    texts = [t for _, t in cut.cells]
    between_digits = sum(
        1 for a, b in itertools.pairwise(texts) if a[-1].isdigit() and b[0].isdigit()
    )
    return _blanks(cut.cells, roles) + between_digits + _unscored(cut, roles)


def _unscored(cut: Cut, roles: tuple[str, ...]) -> int:
    """A row that prints its weight and actual but leaves its score blank costs one more
    (`1207` as the actual of no score, not `120` | `7`): rows left unscored are unfilled
    forms, which leave the actual blank too."""
    filled = {r for r, _ in cut.cells}
    return int("score" in roles and "score" not in filled and {"weight", "actual"} <= filled)


def _blanks(cells: tuple[tuple[str, str], ...], roles: tuple[str, ...]) -> int:
    """Value columns left blank (a reason, description or 是否核心 left blank costs nothing)."""
    filled = {r for r, _ in cells}
    return sum(1 for r in roles if r not in filled and r not in FREE_BLANKS)


def _cuttable(roles: tuple[str, ...]) -> bool:
    """Free-text columns only after the last value column: a text cell in the middle has no
    end the grammar could find."""
    last_value = max((k for k, r in enumerate(roles) if r not in TEXT_ROLES), default=-1)
    return (
        bool(roles)
        and roles[0] == "level3"
        and not any(r in TEXT_ROLES for r in roles[:last_value])
    )


def level_labels(text: str) -> tuple[list[str], str]:
    """Level labels at the start of `text` (`产出指标(40分)`, `数量指标`), and the rest."""
    out: list[str] = []
    while True:
        size = max(
            (k for k in range(2, min(len(text), 24) + 1) if h.key(text[:k]) in LEVELS),
            default=0,
        )
        if size == 0 or size == len(text):
            return out, text
        out.append(text[:size])
        text = text[size:]


def _cells(
    text: str, roles: tuple[str, ...], bound: Decimal | None
) -> Iterator[tuple[tuple[str, str], ...]]:
    """Cuts of `text` into cells for `roles` in order (a role may be blank where allowed)."""

    def walk(
        at: int, k: int, got: tuple[tuple[str, str], ...]
    ) -> Iterator[tuple[tuple[str, str], ...]]:
        if k == len(roles):
            if at == len(text) and consistent(got) and scored_with_weight(got, roles):
                yield got
            return
        role = roles[k]
        if role != "level3":  # any column may be blank; a blank value column costs
            yield from walk(at, k + 1, got)
        if at < len(text) and text[at] == " ":
            yield from walk(at + 1, k, got)  # a printed space parts two cells
            return
        if at == len(text):
            return
        ends = (
            [len(text)] if role in TEXT_ROLES else range(at + 1, min(len(text), at + MAX_NAME) + 1)
        )
        for end in ends:
            cell = text[at:end]
            if fits(role, cell, bound):
                yield from walk(end, k + 1, (*got, (role, cell)))

    yield from walk(0, 0, ())


def level_bound(text: str, bound: Decimal | None) -> Decimal | None:
    """The weight a level label opening `text` prints (`产出指标(40分)`; else `bound`, what
    one on an earlier line printed): no row of the level weighs more."""
    for label in level_labels(text)[0]:
        _, weight = weight_in_label(label)
        if weight is not None:
            return weight
    return bound


def level1_of(text: str) -> tuple[str, Decimal | None, bool] | None:
    """The level-1 label opening a glued line (`产出指标(40分)`), its printed weight, and
    whether it may also be a level-2 label (成本指标, 满意度指标)."""
    labels, _ = level_labels(text)
    if not labels or h.key(labels[0]) not in h.LEVEL1_LABELS:
        return None
    first = labels[0]
    return first, weight_in_label(first)[1], h.key(first) in h.LEVEL2_LABELS
