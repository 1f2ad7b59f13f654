"""Which cut of a glued line its table proves: weights that add up to what is printed.

`产出指标(40分)数量指标…8550万粒550万粒8` reads weight 8 and target 550万粒, or weight 85 and
target 50万粒: both cuts cost the same. The table settles it where it prints a sum: the rows
of a level weigh what its label prints (`产出指标(40分)`), the rows of the table what its
total row prints (`合计 100 97.96`: weights and scores together, with or without the
budget block's own 分值 and 得分). A cut is
kept where some choice of cuts for the other lines makes the sum hold, and dropped where
none does; a line no cut reads leaves its group unproven (its weight is unknown).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Protocol, TypeVar

from pipeline.extract.values import parse_number

MAX_SUMS = 20_000  # distinct partial sums followed at most: more is no proof worth its time


class HasWeight(Protocol):
    def get(self, role: str) -> str | None: ...


def weight_of(cut: HasWeight, role: str = "weight") -> Decimal:
    """The weight (or score) a cut reads; a cut that leaves it blank adds nothing."""
    return parse_number(cut.get(role)) or Decimal(0)


C = TypeVar("C", bound=HasWeight)
Sums = tuple[Decimal, ...]


def prove_sum(
    cuts: list[list[C]],
    members: Sequence[int],
    totals: Collection[Sums],
    roles: tuple[str, ...] = ("weight",),
) -> None:
    """Keep, on each line of `members`, the cuts that are part of some choice (one cut per
    line) whose `roles` (weight; or weight and score together) add up to one of `totals`.
    Nothing changes where no choice does (the sum proves nothing then), or where a member
    has no cut."""
    if not totals or not members or any(not cuts[k] for k in members):
        return

    def sums(cut: C) -> Sums:
        return tuple(weight_of(cut, role) for role in roles)

    options = [sorted({sums(c) for c in cuts[k]}) for k in members]
    codes = [[_code(w) for w in choice] for choice in options]
    goal_codes = [_code(t) for t in totals]
    ceiling = _code(tuple(max(column) for column in zip(*totals, strict=True)))
    if ceiling is None or None in goal_codes or any(None in choice for choice in codes):
        return  # a value finer than a thousandth: no weight or score of a table
    plain = [[c for c in choice if c is not None] for choice in codes]
    goals = {c for c in goal_codes if c is not None}
    before, backwards = _reachable(plain, ceiling), _reachable(plain[::-1], ceiling)
    if before is None or backwards is None or not goals & before[-1]:
        return
    after = backwards[::-1]
    for position, k in enumerate(members):
        rest = after[position + 1]  # a choice fits when total - before - it is reachable after
        allowed = {
            w
            for w, code in zip(options[position], plain[position], strict=True)
            if any(g - b - code in rest for g in goals for b in before[position])
        }
        cuts[k] = [c for c in cuts[k] if sums(c) in allowed]


# Sums as one integer: thousandths of the weight, then of the score, BASE apart. Adding two
# codes adds both parts (a score sum never reaches BASE); integers are what makes the sets
# of reachable sums quick to build.
BASE = 10**9


def _code(sums: Sums) -> int | None:
    out = 0
    for value in sums:
        scaled = value.scaleb(3)
        if scaled != scaled.to_integral_value():
            return None
        out = out * BASE + int(scaled)
    return out


def proven(cuts: list[C], kept: Sequence[HasWeight]) -> list[C]:
    """`cuts` whose weight and score some cut in `kept` (what the sums left of a wider set
    of cuts of the same line) holds."""
    allowed = {(weight_of(c), weight_of(c, "score")) for c in kept}
    return [c for c in cuts if (weight_of(c), weight_of(c, "score")) in allowed]


def _reachable(options: list[list[int]], ceiling: int) -> list[set[int]] | None:
    """Sums reachable before each line (and after the last) that pass no total's `ceiling`
    in either part (weights and scores are never negative: a sum past it reaches no total);
    None when they grow past MAX_SUMS."""
    top_weight, top_score = divmod(ceiling, BASE)
    out = [{0}]
    for choice in options:
        added = {s + w for s in out[-1] for w in choice}
        nxt = {t for t in added if t // BASE <= top_weight and t % BASE <= top_score}
        if len(nxt) > MAX_SUMS:
            return None
        out.append(nxt)
    return out


def level_groups(
    labels: Sequence[tuple[str, Decimal | None, bool] | None],
) -> list[tuple[list[int], Decimal]]:
    """Lines grouped under the level-1 label that printed a weight over them, as (members,
    weight). `labels[k]`: the level-1 label opening line k (key, printed weight, whether it
    may also be a level-2 label), or None. A glued table repeats the label on each of its
    lines (`产出指标(40分)数量指标…`): lines under one label are one group wherever they are."""
    groups: dict[str, tuple[list[int], Decimal]] = {}
    current: str | None = None
    for k, found in enumerate(labels):
        if found is not None:
            key, weight, also_level2 = found
            if weight is not None:
                current = key
                groups.setdefault(key, ([], weight))
            elif not also_level2:
                current = None  # a level without a printed weight: nothing to prove by
        if current is not None:
            groups[current][0].append(k)
    return list(groups.values())
