"""Claim rules for totals: parts of a whole (`其中`), complementary pairs (馆内/馆外), grades.

Each rule links numbers that `claims_text` found by the structure the prose uses, recomputes
the linked number from the others, and returns a `Draft` (percentages: `claims_ratios`).
Tolerances come from the printed precision: a figure printed to 0.01 may be 0.005 off, and
that error propagates into sums and ratios. Where the structure is ambiguous, no claim is made
(precision over recall).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice
from typing import NamedTuple

import regex

from pipeline import lexicon
from pipeline.claims.text import (
    COUNT_UNITS,
    MONEY_FACTORS,
    SCORE_UNITS,
    Entry,
    Number,
    Percent,
    Sentence,
    comparable,
)
from schemas.vocab import ClaimKind

# A total printed after its items names nothing else: `…，合计30万元`.
BARE_TOTALS = frozenset({"合计", "共计", "总计", "共", "累计"})
# A parts list whose sum falls this far short of its whole is read as "the main items", not as
# an exhaustive decomposition, and is not checked.
PARTIAL_LIST = 0.10
_GRADE = regex.compile(
    r"(?:级别|等级|评级|等次|评价结果)(?:为|是|：|:)?\s*[“\"「『]?"
    r"(?P<word>" + "|".join(sorted(lexicon.grade_words(), key=len, reverse=True)) + r")(?!\p{Han})"
)
_GRADE_DETAIL = regex.compile(r"→ (?P<band>\p{Han})；")
_SCORE_SUBJECT = regex.compile(r"得分|总分|评分|分数")


@dataclass(frozen=True, slots=True)
class Draft:
    """A claim before it gets its id: where it is, what was printed, what the rest gives."""

    kind: ClaimKind
    sentence: int  # index into the document's sentences
    position: int  # offset of the claimed number in its sentence (document order)
    subject: str | None
    stated: float | None
    recomputed: float | None
    tolerance: float
    detail: str
    consistent: bool
    last: int | None = None  # the sentence where the claim's text ends, when not `sentence`


class Check(NamedTuple):
    """The printed number, the one recomputed from the rest, and how far apart they may be."""

    stated: float
    recomputed: float
    tolerance: float


def draft(
    kind: ClaimKind, where: tuple[int, int], subject: str | None, check: Check, detail: str
) -> Draft:
    """A numeric claim; it holds when stated and recomputed agree within the tolerance."""
    stated, recomputed, tolerance = check
    ok = abs(stated - recomputed) <= tolerance + 1e-9
    return Draft(kind, *where, subject, stated, recomputed, round(tolerance, 10), detail, ok)


@dataclass(frozen=True, slots=True)
class PartsList:
    """`whole，其中：parts`: the parts a sentence says make up a whole.

    `first`/`last` are the sentences the statement spans: the whole may close the sentence
    before `其中：`, and items may go on in the next paragraphs.
    """

    first: int
    last: int
    whole: Entry
    parts: tuple[Entry, ...]


def fmt(x: float) -> str:
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def in_unit(entry: Entry, unit: str) -> float:
    """The entry's value in `unit` (money converts; other units must already match)."""
    return entry.number.base / MONEY_FACTORS.get(unit, 1.0)


# --- parts of a whole -------------------------------------------------------------------------


def parts_lists(sentences: Sequence[Sentence]) -> list[PartsList]:
    """Every `其中` list with the whole it decomposes, split by role (预算数 / 决算数), and every
    `A a、B b，合计c` list whose total follows its items."""
    found: list[PartsList] = []
    for i, sentence in enumerate(sentences):
        for k, event in enumerate(sentence.events):
            if isinstance(event, int):
                found.extend(_lists_at(sentences, i, k, event))
            elif isinstance(event, Entry) and event.subject in BARE_TOTALS:
                found.extend(_summed_before(i, event, sentence.events[:k]))
    return found


def _summed_before(
    i: int, total: Entry, before: Sequence[Entry | Percent | int]
) -> list[PartsList]:
    """`培训费20万元、差旅费10万元，合计30万元`: the items since the sentence (or the last
    `其中`) began, printed before a bare 合计/共计/总计."""
    parts: list[Entry] = []
    for event in reversed(before):
        if isinstance(event, int):
            break
        if isinstance(event, Entry) and not event.delta and event.depth == total.depth:
            if event.approx or not comparable(event.number, total.number):
                return []
            parts.insert(0, event)
    return [PartsList(i, i, total, tuple(parts))] if parts else []


def _lists_at(sentences: Sequence[Sentence], i: int, k: int, depth: int) -> list[PartsList]:
    """The list opened by the `其中` that is event k of sentence i: its parts are the levels
    after it at its depth; its whole the last comparable level before it one level up (or, when
    `其中` opens the sentence, at the end of the sentence before)."""
    events = sentences[i].events
    parts: list[Entry] = []
    for event in events[k + 1 :]:
        if isinstance(event, int) and event <= depth:
            break
        if isinstance(event, Entry | Percent) and event.depth < depth:
            break
        if isinstance(event, Entry) and event.depth == depth and not event.delta:
            parts.append(event)
    if not parts or any(p.approx for p in parts):
        return []
    parts = [p for p in parts if comparable(p.number, parts[0].number)]
    before = [e for e in events[:k] if isinstance(e, Entry) and not e.delta and not e.approx]
    first = i
    if not before and sentences[i].first_in_para is False and not has_entries(events[:k]):
        before, first = sentences[i - 1].levels, i - 1
    candidates = [e for e in before if e.depth == max(depth - 1, 0)]
    roles = {p.role for p in parts}
    if None not in roles and len(roles) > 1:
        out = []
        for role in sorted(roles, key=[p.role for p in parts].index):
            whole = _last(candidates, parts[0].number, role)
            if whole is not None:
                of_role = tuple(p for p in parts if p.role == role)
                out.append(PartsList(first, i, whole, of_role))
        return out
    whole = _last(candidates, parts[0].number, None)
    if whole is None:
        return []
    last = i
    if depth == 0:
        more, last = _continued(sentences, i, parts[-1])
        parts.extend(more)
    return [PartsList(first, last, whole, tuple(parts))]


def _continued(sentences: Sequence[Sentence], i: int, last: Entry) -> tuple[list[Entry], int]:
    """Items that go on in the next paragraphs, built like the list's last item:
    `其中：人员经费a，包括：…。` ¶ `公用经费b，包括：…。`."""
    tail = sentences[i].masked[last.number.end : last.number.end + 3]
    if len(tail) < 3 or sentences[i].events[-1] is not last:
        return [], i
    more: list[Entry] = []
    end = i
    for j, sentence in enumerate(sentences[i + 1 :], start=i + 1):
        if not sentence.first_in_para:
            if sentence.levels:
                break
            continue
        head = sentence.events[0] if sentence.events else None
        if not (
            isinstance(head, Entry)
            and not head.delta
            and head.depth == 0
            and comparable(head.number, last.number)
            and sentence.masked.startswith(head.subject)
            and sentence.masked[head.number.end : head.number.end + 3] == tail
        ):
            break
        more.append(head)
        end = j
    return more, end


def has_entries(events: Sequence[Entry | Percent | int]) -> bool:
    return any(isinstance(e, Entry | Percent) for e in events)


def _last(candidates: Sequence[Entry], like: Number, role: str | None) -> Entry | None:
    for entry in reversed(candidates):
        if comparable(entry.number, like) and (role is None or entry.role == role):
            return entry
    return None


def parts_claims(sentences: Sequence[Sentence], lists: Sequence[PartsList]) -> list[Draft]:
    """Each exhaustive parts list adds up to its whole; a list giving the whole twice
    (by source, then by use) is split where the running sum reaches the whole."""
    out: list[Draft] = []
    for pl in lists:
        if len(pl.parts) < 2:
            continue
        for group in _groups(pl):
            out.append(_sum_draft((pl.first, pl.last), pl.whole, group))
    return out


def _groups(pl: PartsList) -> list[tuple[Entry, ...]]:
    unit = pl.whole.number.unit
    whole = in_unit(pl.whole, unit)
    values = [in_unit(p, unit) for p in pl.parts]
    total = sum(values)
    if whole == 0 or abs(total - whole) <= PARTIAL_LIST * abs(whole):
        return [pl.parts]
    if len(values) >= 4 and abs(total - 2 * whole) <= PARTIAL_LIST * abs(whole):
        cut = min(
            range(1, len(values)),
            key=lambda c: abs(sum(values[:c]) - whole) + abs(sum(values[c:]) - whole),
        )
        return [pl.parts[:cut], pl.parts[cut:]]
    if total > whole:
        return [pl.parts]
    return []  # the main items only: not a decomposition


def sum_tolerance(whole: Entry, parts: Sequence[Entry]) -> float:
    """n parts rounded to the finest printed precision may be off by n × half that unit;
    counts are exact."""
    if whole.number.unit in COUNT_UNITS:
        return 0.0
    finest = min(
        e.number.half_unit * MONEY_FACTORS.get(e.number.unit, 1.0) for e in (whole, *parts)
    )
    return len(parts) * finest / MONEY_FACTORS.get(whole.number.unit, 1.0)


def _sum_draft(span: tuple[int, int], whole: Entry, parts: Sequence[Entry]) -> Draft:
    unit = whole.number.unit
    kind: ClaimKind = "score_total" if unit in SCORE_UNITS else "parts_sum"
    recomputed = sum(in_unit(p, unit) for p in parts)
    detail = " + ".join(f"{p.subject} {p.number.raw}".strip() for p in parts)
    made = draft(
        kind,
        (span[0], whole.number.start),
        whole.subject,
        Check(whole.number.value, round(recomputed, 6), sum_tolerance(whole, parts)),
        f"{detail} = {fmt(recomputed)}{unit}",
    )
    return replace(made, last=span[1]) if span[1] != span[0] else made


# --- pairs: `109场次，馆内62场次，…，馆外47场次` ----------------------------------------


@cache
def pair_groups() -> tuple[tuple[str, ...], ...]:
    text = lexicon.text("claims_pairs.txt")
    rows = [line.split() for line in text.splitlines() if line.strip() and line[0] != "#"]
    return tuple(tuple(sorted(r, key=len, reverse=True)) for r in rows)


def pair_claims(sentences: Sequence[Sentence], lists: Sequence[PartsList]) -> list[Draft]:
    """A count followed by parts labelled by a complete complementary pair (内/外, 线上/线下)."""
    listed = {id(e) for pl in lists for e in (pl.whole, *pl.parts)}
    out: list[Draft] = []
    for i, sentence in enumerate(sentences):
        levels = [e for e in sentence.levels if e.depth == 0 and id(e) not in listed]
        longest = max(len(g) for g in pair_groups())
        for n, whole in enumerate(levels):
            # a run longer than every group is no pair: look no further (linear on long lines)
            after = (levels[j] for j in range(n + 1, len(levels)))
            same = list(
                islice((e for e in after if e.number.unit == whole.number.unit), longest + 1)
            )
            parts = _paired_run(same)
            if parts:
                out.append(_sum_draft((i, i), whole, parts))
                listed.update(id(p) for p in parts)
    return out


def _paired_run(entries: Sequence[Entry]) -> list[Entry]:
    for group in pair_groups():
        run: list[Entry] = []
        stems: set[str] = set()
        for entry in entries:
            member = next((m for m in group if entry.subject.endswith(m)), None)
            if member is None or len(entry.subject) - len(member) > 4:
                break
            run.append(entry)
            stems.add(entry.subject[: -len(member)])
        members = {m for e in run for m in group if e.subject.endswith(m)}
        if len(run) == len(group) and members == set(group) and len(stems) == 1:
            return run
    return []


# --- grades ----------------------------------------------------------------------------------


def grade_claims(sentences: Sequence[Sentence], grade_of: Callable[[float], str]) -> list[Draft]:
    """`得分89.45分，绩效级别为“良好”`: the grade word must be the band of the score."""
    out: list[Draft] = []
    for i, sentence in enumerate(sentences):
        for m in _GRADE.finditer(sentence.masked):
            score = _score_before(sentences, i, m.start())
            if score is None:
                continue
            word = m.group("word")
            band = grade_of(score.number.value)
            detail = f"{score.number.raw} → {band}；陈述“{word}”（{lexicon.grade_words()[word]}）"
            # `grade_band` reads the band back from this detail for the finding
            out.append(
                Draft(
                    "grade",
                    i,
                    m.start("word"),
                    word,
                    score.number.value,
                    None,
                    0.0,
                    detail,
                    lexicon.grade_words()[word] == band,
                )
            )
    return out


def grade_band(detail: str | None) -> str:
    """The band a grade claim's score falls in, as written in its detail by `grade_claims`."""
    m = _GRADE_DETAIL.search(detail or "")
    return str(m.group("band")) if m else ""


def _score_before(sentences: Sequence[Sentence], i: int, pos: int) -> Entry | None:
    def scores(sentence: Sentence, before: int) -> list[Entry]:
        return [
            e
            for e in sentence.levels
            if e.number.unit in SCORE_UNITS
            and e.number.start < before
            and _SCORE_SUBJECT.search(e.subject)
        ]

    here = scores(sentences[i], pos)
    if here:
        return here[-1]
    if i > 0 and not sentences[i].first_in_para:
        earlier = scores(sentences[i - 1], len(sentences[i - 1].masked))
        return earlier[-1] if earlier else None
    return None
