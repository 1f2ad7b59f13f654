"""Re-score rows by a profile's rules. Every score is an interval [low, high].

Quantitative rows have low == high. Qualitative rows get the band of their achievement
phrase (e.g. 基本达到 -> 60-80 % of the weight). A printed score inside the interval stands;
outside it, the nearest end is the recomputed score (DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import regex

from pipeline.extract.values import Value, normalize
from schemas.profile import Profile, QualBand
from schemas.vocab import QUAL_RULES, ScoreRule

__all__ = [
    "Scored",
    "exec_score",
    "is_not_applicable",
    "not_applicable",
    "recomputed",
    "round_score",
    "score_row",
]

ONE = Decimal(1)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Scored:
    """How one row scores. `rule` names what was applied; low/high None when not scorable.

    `as_positive` is what reading the row as more-is-better would give (weight ×
    min(1, actual / target)); a reverse row printed with that score was scored backwards.
    `op_inferred` is True when the target printed no comparator and one was assumed.
    """

    rule: ScoreRule
    low: Decimal | None = None
    high: Decimal | None = None
    as_positive: Decimal | None = None
    op: str | None = None
    op_inferred: bool = False
    unit_mismatch: bool = False


def round_score(value: Decimal, profile: Profile) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-profile.rounding.decimals), rounding=ROUND_HALF_UP)


def score_row(
    target: Value, actual: Value, weight: Decimal | None, cost: bool, profile: Profile
) -> Scored:
    """Score one indicator row. `cost` says whether more of it is worse (for `=` and no op)."""
    if weight is None:
        return Scored(rule="no_weight")
    not_a_number = _not_quantitative(target, actual, weight, profile)
    if not_a_number is not None:
        return not_a_number
    comparable = _comparable(target, actual)
    if comparable is None:
        return Scored(rule="unscorable", low=ZERO, high=weight)
    t, a, mismatch = comparable
    if mismatch:
        return Scored(rule="unit_mismatch", low=ZERO, high=weight, unit_mismatch=True)
    op, inferred = target.op, False
    if op is None:
        op, inferred = ("<=" if cost else ">="), True
    positive = _ratio(t, a, weight)
    rule: ScoreRule
    if op in (">=", ">"):
        rule, score = "positive", positive
    elif op in ("<=", "<"):
        rule, score = "reverse", _reverse(t, a, weight, profile)
    else:
        rule, score = _equal(t, a, weight, cost, profile)
    score = round_score(score, profile)
    return Scored(
        rule=rule,
        low=score,
        high=score,
        as_positive=round_score(positive, profile),
        op=op,
        op_inferred=inferred,
    )


def _equal(
    t: Decimal, a: Decimal, weight: Decimal, cost: bool, profile: Profile
) -> tuple[ScoreRule, Decimal]:
    """`=` by the profile: `cost_reverse` reads a missed cost as reverse, anything else as
    positive; `positive_unless_zero` reads every `=` as >= except a zero target (as <=)."""
    if a == t:
        return "equal", weight
    if profile.equal == "positive_unless_zero":
        if t == 0:
            return "equal_zero_reverse", _reverse(t, a, weight, profile)
        return "equal_positive", _ratio(t, a, weight)
    if cost:
        return "equal_cost_reverse", _reverse(t, a, weight, profile)
    return "equal_positive", _ratio(t, a, weight)


def is_not_applicable(texts: tuple[str | None, ...], profile: Profile) -> bool:
    """A cell of `texts` that says only 不适用 (or another of the profile's phrases).

    Whole-cell match: `不涉及违规使用资金` is a target, not a 不适用 mark."""
    return any(
        _NA_TRIM.sub("", normalize(text)) in profile.not_applicable_phrases
        for text in texts
        if text
    )


_NA_TRIM = regex.compile(r"[\s()（）\[\]【】。.,，、/／*＊—–-]+")


def not_applicable(weight: Decimal | None, profile: Profile) -> Scored:
    """A 不适用 row: dropped from the table (`drop_rescale`), or any score up to its weight."""
    if profile.not_applicable == "drop_rescale" or weight is None:
        return Scored(rule="not_applicable_dropped" if weight is not None else "no_weight")
    return Scored(rule="not_applicable", low=ZERO, high=weight, op="qual")


def _not_quantitative(
    target: Value, actual: Value, weight: Decimal, profile: Profile
) -> Scored | None:
    """Rows scored by phrase or by date, or not at all; None for number against number."""
    if actual.status == "empty":
        return Scored(rule="no_actual")  # nothing achieved was printed: nothing to re-score
    if actual.status == "qual" or target.status == "qual":
        return _qualitative(target, actual, weight, profile)
    if target.status == "date" and actual.status == "date":
        return _deadline(target, actual, weight, profile)
    return None


def _comparable(target: Value, actual: Value) -> tuple[Decimal, Decimal, bool] | None:
    """(target, actual, units_differ) in one unit, or None unless both are numbers.
    A unitless actual is read in the target's unit."""
    if target.value is None or actual.value is None or not (target.is_number and actual.is_number):
        return None
    if actual.unit is None or target.unit is None or actual.unit == target.unit:
        return target.value, actual.value, False
    if target.base_unit == actual.base_unit and target.base is not None and actual.base is not None:
        return target.base, actual.base, False
    return target.value, actual.value, True


def _ratio(t: Decimal, a: Decimal, weight: Decimal) -> Decimal:
    if t == 0:
        return weight
    return weight * max(ZERO, min(ONE, a / t))


def _reverse(t: Decimal, a: Decimal, weight: Decimal, profile: Profile) -> Decimal:
    if a <= t:
        return weight
    if t <= 0:
        return ZERO
    if profile.reverse == "linear_overrun":
        return weight * max(ZERO, ONE - (a - t) / t)
    return weight * t / a


def _qualitative(target: Value, actual: Value, weight: Decimal, profile: Profile) -> Scored:
    band = qual_band(actual.text or normalize(actual.raw), profile)
    if band is None and actual.raw and normalize(actual.raw) == normalize(target.raw):
        band = max(profile.qualitative, key=lambda b: b.max)  # the target itself, as achieved
    if band is None:
        return Scored(rule="qual_unknown", low=ZERO, high=weight, op="qual")
    return Scored(
        rule=QUAL_RULES[band.level],
        low=round_score(weight * Decimal(str(band.min)), profile),
        high=round_score(weight * Decimal(str(band.max)), profile),
        op="qual",
    )


def _deadline(target: Value, actual: Value, weight: Decimal, profile: Profile) -> Scored:
    """A completion date against a deadline: met is full marks; missed is scored like a
    result not (fully) achieved, anywhere up to the top of the partial band, since no rule
    says how many days cost how much. Without a year on one side, month and day compare."""
    if target.value is None or actual.value is None:
        return Scored(rule="unscorable", low=ZERO, high=weight)
    t, a = target.value, actual.value
    if target.unit != actual.unit:
        t, a = t % 10_000, a % 10_000
    met = a >= t if target.op in (">=", ">") else a <= t
    if met:
        return Scored(rule="deadline_met", low=weight, high=weight, op=target.op or "<=")
    ceiling = max((b.max for b in profile.qualitative if b.max < 1), default=0.0)
    return Scored(
        rule="deadline_missed",
        low=ZERO,
        high=round_score(weight * Decimal(str(ceiling)), profile),
        op=target.op or "<=",
        op_inferred=target.op is None,
    )


def qual_band(text: str, profile: Profile) -> QualBand | None:
    """The first band (profile order) with a phrase in `text`: negations are listed first."""
    return next((b for b in profile.qualitative if any(p in text for p in b.phrases)), None)


def recomputed(scored: Scored, stated: Decimal | None) -> Decimal | None:
    """The printed score clamped into [low, high]; with nothing printed, the top of the band."""
    if scored.low is None or scored.high is None:
        return None
    if stated is None:
        return scored.high
    return min(max(stated, scored.low), scored.high)


def exec_score(
    weight: Decimal | None, executed: Decimal | None, full_year: Decimal | None, profile: Profile
) -> tuple[Decimal | None, Decimal | None]:
    """(execution rate as a fraction, budget score) or None where the inputs are missing.

    The weight is the one printed in the block (10, 20 …); without one the block is not scored.
    """
    if executed is None or full_year is None or full_year == 0:
        return None, None
    rate = executed / full_year
    if weight is None:
        return rate, None
    return rate, round_score(weight * min(ONE, max(ZERO, rate)), profile)
