"""The weights and scores a glued line may hold, however its texts divide.

`河道保洁环境改善健全效果明显1111` cannot be read: nothing shows where the name ends and the
target begins. Its weight and score are still known (11 and 11): the digits after the last
text divide one way only. The sums a table prints (`产出指标(40分)`, `合计 100 97.96`) are
proven over these tails of every line, so a line that cannot be read still counts in them,
and a line whose reading the grammar misses cannot let a wrong choice elsewhere fit the sum.
Only the numbers' grammar holds here; any text may be a name, a target or an actual.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from pipeline.extract.glued_cells import TEXT_ROLES, fits
from pipeline.extract.values import parse_number

MAX_CELL = 40  # characters of a name, target or actual
MAX_TAILS = 256  # (weight, score) pairs of one line kept at most: more proves nothing


@dataclass(frozen=True)
class Tail:
    """A line's weight and score (None: blank), for the sums."""

    weight: str | None
    score: str | None

    def get(self, role: str) -> str | None:
        return self.weight if role == "weight" else self.score if role == "score" else None


def tails(text: str, roles: tuple[str, ...], bound: Decimal | None) -> list[Tail]:
    """Every (weight, score) some division of `text` (a line after its level labels) into
    cells for `roles` gives, by the grammar of numbers (`fits`, loose); [] when none does
    or there are too many to prove anything by."""
    if not text or not roles:
        return []

    @cache
    def walk(at: int, k: int, weight: str | None, score: str | None) -> frozenset[Tail]:
        if k == len(roles):
            done = at == len(text) and _holds(weight, score, roles)
            return frozenset({Tail(weight, score)}) if done else frozenset()
        role = roles[k]
        out: set[Tail] = set()
        if role != "level3":
            out |= walk(at, k + 1, weight, score)
        if at < len(text) and text[at] == " ":
            return frozenset(out | walk(at + 1, k, weight, score))
        if at == len(text):
            return frozenset(out)
        ends = (
            [len(text)] if role in TEXT_ROLES else range(at + 1, min(len(text), at + MAX_CELL) + 1)
        )
        for end in ends:
            cell = text[at:end]
            if fits(role, cell, bound, loose=True):
                w = cell if role == "weight" else weight
                s = cell if role == "score" else score
                out |= walk(end, k + 1, w, s)
        return frozenset(out)

    found = walk(0, 0, None, None)
    return (
        sorted(found, key=lambda t: (t.weight or "", t.score or ""))
        if len(found) <= MAX_TAILS
        else []
    )


def _holds(weight: str | None, score: str | None, roles: tuple[str, ...]) -> bool:
    """A score no larger than its weight; under a weight column, none without it."""
    if score is not None and "weight" in roles and weight is None:
        return False
    w, s = parse_number(weight), parse_number(score)
    return w is None or s is None or s <= w
