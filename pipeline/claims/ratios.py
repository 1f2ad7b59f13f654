"""Percentages in the prose: shares (`占p%`), year-on-year changes (`比上年增加d，增长p%`),
budget gaps (`预决算差异率p%`) and execution rates (`执行率p%`, a share of the budget).

Each percentage is recomputed from the amounts it is printed with; the tolerance is half its
last printed digit plus how far the amounts' own rounding can move the ratio.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pipeline.claims.rules import Check, Draft, PartsList, draft, fmt, has_entries, in_unit
from pipeline.claims.text import MONEY_FACTORS, Entry, Number, Percent, Sentence, comparable

# --- shares ----------------------------------------------------------------------------------


def share_claims(sentences: Sequence[Sentence], lists: Sequence[PartsList]) -> list[Draft]:
    """`A a，占p%`: against the named whole, else the whole of A's parts list, else (for a
    numbered item) the headline of the paragraph before."""
    whole_of = {id(p): pl.whole for pl in lists for p in pl.parts}
    out: list[Draft] = []
    for i, sentence in enumerate(sentences):
        last: Entry | None = None
        for event in sentence.events:
            if isinstance(event, Entry) and not event.delta:
                last = event
            elif isinstance(event, Percent) and event.kind == "share" and last is not None:
                whole = _share_whole(sentences, i, event, last, whole_of)
                if whole is not None and whole.number.base != 0 and not last.approx:
                    out.append(_share_draft(i, event, last, whole))
    return out


def _share_whole(
    sentences: Sequence[Sentence], i: int, pct: Percent, part: Entry, whole_of: dict[int, Entry]
) -> Entry | None:
    if pct.whole_name:
        return _named(sentences, i, pct.whole_name, part)
    if id(part) in whole_of:
        return whole_of[id(part)]
    if sentences[i].numbered:
        return _previous_headline(sentences, i, part.number)
    return None


def _named(sentences: Sequence[Sentence], i: int, name: str, part: Entry) -> Entry | None:
    """The nearest earlier level whose subject is `name` (or ends with it)."""
    for sentence in reversed(sentences[: i + 1]):
        for entry in reversed(sentence.levels):
            if entry is part or not comparable(entry.number, part.number):
                continue
            if entry.subject.endswith(name):
                return entry
    return None


def _previous_headline(sentences: Sequence[Sentence], i: int, like: Number) -> Entry | None:
    para = sentences[i].para
    for sentence in reversed(sentences[:i]):
        if sentence.para == para:
            continue
        heads = [e for e in sentence.levels if comparable(e.number, like)]
        if heads and sentence.first_in_para:
            return heads[0]
    return None


def _share_draft(i: int, pct: Percent, part: Entry, whole: Entry) -> Draft:
    w, p = whole.number.base, part.number.base
    h_w = whole.number.half_unit * MONEY_FACTORS.get(whole.number.unit, 1.0)
    h_p = part.number.half_unit * MONEY_FACTORS.get(part.number.unit, 1.0)
    share = 100 * p / w
    tolerance = pct.number.half_unit + 100 * (h_p + abs(p / w) * h_w) / abs(w)
    detail = f"{part.subject} {part.number.raw} ÷ {whole.subject} {whole.number.raw}"
    return draft(
        "share",
        (i, pct.number.start),
        part.subject,
        Check(pct.number.value, round(share, 6), tolerance),
        f"{detail} = {fmt(share)}%",
    )


# --- changes against last year ---------------------------------------------------------------


def change_claims(sentences: Sequence[Sentence]) -> list[Draft]:
    """`X a，比上年增加d，增长p%`: last year was a − d, so p must be d / (a − d)."""
    out: list[Draft] = []
    for i, sentence in enumerate(sentences):
        for delta, pct in _delta_percent_pairs(sentence):
            current = _current_of(sentences, i, delta)
            if current is not None:
                made = _change_draft(i, current, delta, pct)
                if made is not None:
                    out.append(made)
    return out


def _delta_percent_pairs(sentence: Sentence) -> Iterator[tuple[Entry, Percent]]:
    previous: Entry | Percent | int | None = None
    for event in sentence.events:
        if (
            isinstance(event, Percent)
            and event.kind == "change"
            and isinstance(previous, Entry)
            and previous.delta
            and previous.yoy
            and not previous.approx
        ):
            yield previous, event
        previous = event


def _current_of(sentences: Sequence[Sentence], i: int, delta: Entry) -> Entry | None:
    events = sentences[i].events
    before = events[: events.index(delta)]
    levels = [e for e in before if isinstance(e, Entry) and not e.delta and not e.approx]
    levels = [e for e in levels if comparable(e.number, delta.number)]
    if levels:
        return levels[-1]
    if has_entries(before) or i == 0:
        return None
    heads = [e for e in sentences[i - 1].levels if comparable(e.number, delta.number)]
    return heads[0] if heads else None


def _change_draft(i: int, current: Entry, delta: Entry, pct: Percent) -> Draft | None:
    unit = current.number.unit
    a = current.number.value
    d = delta.delta * in_unit(delta, unit)
    h_a = current.number.half_unit
    h_d = delta.number.half_unit * MONEY_FACTORS.get(delta.number.unit, 1.0)
    h_d /= MONEY_FACTORS.get(unit, 1.0)
    previous = a - d
    stated = pct.direction * pct.number.value
    if abs(previous) <= h_a + h_d:
        if d < 0:
            return None
        # growth from nothing is printed as 100% (or 0% when nothing changed)
        recomputed, tolerance = (100.0 if d > 0 else 0.0), pct.number.half_unit
    else:
        recomputed = 100 * d / previous
        tolerance = pct.number.half_unit + 100 * (abs(a) * h_d + abs(d) * h_a) / previous**2
    detail = (
        f"上年 = {current.number.raw} − ({'+' if d >= 0 else '−'}{delta.number.raw}) = "
        f"{fmt(previous)}{unit}；变动率 = {fmt(recomputed)}%"
    )
    return draft(
        "change",
        (i, pct.number.start),
        current.subject,
        Check(stated, round(recomputed, 6), tolerance),
        detail,
    )


def budget_gap_claims(sentences: Sequence[Sentence]) -> list[Draft]:
    """`年初预算数b，决算数f，预决算差异率p%`: p must be (f − b) / b; and
    `全年预算数b，执行数f，执行率p%`: p must be f / b."""
    out: list[Draft] = []
    for i, sentence in enumerate(sentences):
        budget: Entry | None = None
        final: Entry | None = None
        for event in sentence.events:
            if isinstance(event, Entry) and event.role and not event.delta:
                if "预算" in event.role:
                    budget = event
                elif "决算" in event.role or "执行" in event.role:
                    final = event
            elif isinstance(event, Percent) and event.kind in {"budget_gap", "exec_rate"}:
                if budget is not None and final is not None:
                    made = _gap_draft(i, budget, final, event)
                    if made is not None:
                        out.append(made)
                budget = final = None
    return out


def _gap_draft(i: int, budget: Entry, final: Entry, pct: Percent) -> Draft | None:
    b, f = budget.number.base, final.number.base
    h_b = budget.number.half_unit * MONEY_FACTORS.get(budget.number.unit, 1.0)
    h_f = final.number.half_unit * MONEY_FACTORS.get(final.number.unit, 1.0)
    gap = pct.kind == "budget_gap"  # else an execution rate, f / b
    if abs(b) <= h_b:
        if abs(f) > h_f or not gap:
            return None  # no budget: the rate is undefined
        recomputed, tolerance = 0.0, pct.number.half_unit
    else:
        recomputed = 100 * ((f - b) if gap else f) / b
        tolerance = pct.number.half_unit + 100 * (h_f / abs(b) + abs(f) * h_b / b**2)
    b_raw, f_raw = budget.number.raw, final.number.raw
    formula = f"({f_raw} − {b_raw}) ÷ {b_raw}" if gap else f"{f_raw} ÷ {b_raw}"
    subject = budget.subject.removesuffix(budget.role or "")
    return draft(
        "change" if gap else "share",
        (i, pct.number.start),
        f"{subject}{'预决算差异率' if gap else '预算执行率'}",
        Check(pct.number.value, round(recomputed, 6), tolerance),
        f"{formula} = {fmt(recomputed)}%",
    )
