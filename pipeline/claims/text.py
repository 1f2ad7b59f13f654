"""Read the narrative into sentences of numbers, each with its noun and the cue words around it.

A claim in budget prose is carried by a few structures: `总额X，其中：A a，B b` (parts of a
whole), `A a，占p%` (a share), `比上年增加d，增长p%` (a change), `预决算差异率p%`. This module
finds the numbers (regex), segments the text around them (jieba with a small dictionary, so
that `占用` is not the cue `占` and `预决算差异率` stays one word), and records for each number
its subject, its role (预算数 / 决算数 …) and whether it is a level or a change. The rules in
`claims_rules` then link them.

Reasons (`，主要原因是：…。`) are masked before splitting: they interrupt lists whose items go on
after them, and the numbers inside them (years, head counts) are never the claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import regex

from pipeline import lexicon as word_lists
from pipeline.claims.budget import Budget, OutOfTimeError
from pipeline.claims.paragraphs import NUMBERED, TERMINAL, paragraphs
from pipeline.lexicon.segment import tokenizer
from schemas import Document, Paragraph

MONEY_FACTORS = {"元": 1.0, "万元": 1e4, "亿元": 1e8}
SCORE_UNITS = frozenset({"分"})
PERCENT_UNITS = frozenset({"%", "％"})


def lexicon() -> dict[str, tuple[str, ...]]:
    """The word lists in `lexicon/claims_words.txt`, by section."""
    return word_lists.sections("claims_words.txt")


COUNT_UNITS = frozenset(lexicon()["count_units"])
OTHER_UNITS = frozenset(lexicon()["other_units"])

_UNIT_ALTERNATION = "|".join(
    sorted(
        [*MONEY_FACTORS, *SCORE_UNITS, *PERCENT_UNITS, *COUNT_UNITS, *OTHER_UNITS],
        key=len,
        reverse=True,
    )
)
# A number directly followed by a unit. Thousands separators are allowed; a number glued to a
# digit, a dot, a letter or a bracket (文号 `〔2023〕296号`, `1-4年级`) is not a mention.
NUMBER = regex.compile(
    r"(?<![\d.\p{Latin}〔\[])(?P<sign>[-−－])?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"\s*(?P<unit>{_UNIT_ALTERNATION})"
    r"(?!钟|之|月|年|日|号|届|级|百分点)"
)
# A score printed without its unit: `最终得分85.82,等级为良`.
_BARE_SCORE = regex.compile(
    r"(?:得分|总分|评分)(?:为|是|[:：])?\s*(?P<num>\d+(?:\.\d+)?)(?![\d.%％]|\s*(?:万|元|个|分))"
)
_APPROX_AFTER = regex.compile(
    r"(?:左右|余|多|以上|以下|以内|（含）|\(含\))"
)  # matched at a number's end
_APPROX_BEFORE = regex.compile(r"(?:约|近|超过|≥|≤|>|<|＞|＜|不低于|不少于|不超过)$")
_REASON = regex.compile(r"(?<=[，,；;])\s*(?:主要)?原因(?:是|为)?[:：][^。]*。")
_EXEC_RATE = regex.compile(r"执行率|支出率|完成率|完成预算")
_SENTENCE_END = regex.compile(r"[。！？!?]")
# A sentence break lost in extraction: an amount's unit runs straight into the next sentence's
# year (`…47.3万元2023年支出比上年…`). Two sentences, not one list running on.
_LOST_BREAK = regex.compile(r"(?<=\d(?:万元|亿元|元|万|人次|个|项|%|％))(?=(?:19|20)\d{2}年)")
# Clause breaks; a space too, because flattened tables separate their cells with spaces.
_CLAUSE_BREAK = "，,；;：:、 \t"
_OPEN, _CLOSE = "（(", "）)"
# The farthest a number's clause reaches back: a subject is a few words, and a line of numbers
# with no break in it must not make every number read the whole line again (quadratic).
_CLAUSE_MAX = 120
# Dates that open a clause (`2024年度`, `2023年1月1日至12月31日`) are when, not what.
_YEAR_PREFIX = regex.compile(
    r"^(?:截至)?(?:\d{4}年度?)?(?:\d{1,2}月(?:\d{1,2}日)?)?(?:至(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?)?"
)
# After a leading verb, what remains must still name something: `支出总计` keeps its 支出.
_BARE_TOTAL = regex.compile(r"^(?:总计|合计|总额|决算|预算|执行|为|是)")
_LEADING_NUMBERING = regex.compile(r"^(?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）])")

UP_WORDS = frozenset(lexicon()["up"])
DOWN_WORDS = frozenset(lexicon()["down"])
YOY_WORDS = frozenset(lexicon()["year_on_year"])
ROLE_WORDS = lexicon()["roles"]
LEADING_VERBS = frozenset(lexicon()["leading_verbs"])


@dataclass(frozen=True, slots=True)
class Number:
    """A printed number with its unit; `start`/`end` are offsets in the sentence text."""

    value: float
    raw: str
    unit: str
    decimals: int
    start: int
    end: int

    @property
    def half_unit(self) -> float:
        """Half the last printed digit: how far the true value may lie from the printed one."""
        return 0.5 * 10.0**-self.decimals

    @property
    def base(self) -> float:
        """Value in 元 for money, else as printed."""
        return self.value * MONEY_FACTORS.get(self.unit, 1.0)


@dataclass(slots=True)
class Entry:
    """A level (amount, count, score) or a change (`增加d`) printed in a sentence."""

    number: Number
    subject: str
    role: str | None
    depth: int  # parenthesis depth: 1 inside `（其中…）`
    delta: int  # 0 for a level; +1 / −1 for `增加d` / `减少d`
    yoy: bool  # the change is against last year (比上年 / 与上年相比)
    approx: bool  # `40人左右`, `6000余人次`: not checkable


@dataclass(slots=True)
class Percent:
    """A printed percentage with what it is: share (`占`), change (`增长`), budget gap, other."""

    number: Number
    kind: str  # share / change / budget_gap / exec_rate / other
    direction: int  # +1 增长, −1 下降, 0 otherwise
    whole_name: str | None  # `占政府采购支出总额的…` → 政府采购支出总额
    depth: int


@dataclass(slots=True)
class Sentence:
    """One sentence (reasons masked) with its numbers, in reading order."""

    text: str  # as printed, reasons included
    masked: str  # reasons blanked out; offsets match `text`
    para: int  # index of its paragraph among the document's paragraphs
    page: int | None
    line: int | None
    numbered: bool  # its paragraph opens with `1.` / `（一）`: an item of the block before it
    first_in_para: bool
    events: list[Entry | Percent | int] = field(default_factory=list)  # int: 其中 at depth

    @property
    def entries(self) -> list[Entry]:
        return [e for e in self.events if isinstance(e, Entry)]

    @property
    def levels(self) -> list[Entry]:
        """Amounts that are levels (not changes) and exact enough to check."""
        return [e for e in self.entries if not e.delta and not e.approx]


def words(text: str) -> list[str]:
    return list(_words(text))


@lru_cache(maxsize=1 << 15)
def _words(text: str) -> tuple[str, ...]:
    """Segmentation is the costly step and the same clauses recur (other years, other
    tables' sentences), so it is cached."""
    return tuple(w for w in tokenizer().lcut(text, HMM=False) if w.strip())


def read_sentences(
    doc: Document, budget: Budget | None = None, cut: list[Paragraph] | None = None
) -> list[Sentence]:
    """Every sentence of every paragraph, in document order, with its numbers parsed.

    With a `budget`, each paragraph gets its own time: one that runs out keeps the sentences
    read before and is listed in `cut` (the sentence it stopped in has no numbers)."""
    out: list[Sentence] = []
    for para_index, para in enumerate(paragraphs(doc)):
        if budget is not None:
            budget.start()
        try:
            _read_paragraph(para_index, para, out, budget)
        except OutOfTimeError:
            out[-1].events = []
            if cut is not None:
                cut.append(para)
    if out and _cut_by_end(out[-1]):
        out[-1].events = []  # its last number may be cut short: nothing in it is a claim
    return out


def _read_paragraph(
    para_index: int, para: Paragraph, out: list[Sentence], budget: Budget | None
) -> None:
    masked = _mask_reasons(para.text)
    numbered = bool(NUMBERED.match(para.text))
    start = 0
    stops = [m.end() for m in _SENTENCE_END.finditer(masked)]
    stops += [m.start() for m in _LOST_BREAK.finditer(masked)]
    for stop in [*sorted(stops), len(masked)]:
        if stop <= start:
            continue
        sentence = Sentence(
            text=para.text[start:stop].strip(),
            masked=masked[start:stop].strip(),
            para=para_index,
            page=para.page,
            line=para.line,
            numbered=numbered,
            first_in_para=start == 0,
        )
        if sentence.masked:
            out.append(sentence)
            sentence.events = _events(sentence.masked, budget)
        start = stop


def _cut_by_end(last: Sentence) -> bool:
    """The text stops inside this sentence: no closing punctuation, and it ends on a number
    (a truncated page or excerpt: `…；29.9` may have been `29.99万元`)."""
    text = last.text.rstrip()
    return bool(text) and text[-1] not in TERMINAL and bool(regex.search(r"\d[%％]?$", text))


def _mask_reasons(text: str) -> str:
    """Blank `，主要原因是：…。` out, keeping offsets; the list it interrupts goes on after it."""

    def blank(m: Any) -> str:
        span: str = m.group(0)
        return "　" * (len(span) - 1) + "；"

    return str(_REASON.sub(blank, text))


def _events(text: str, budget: Budget | None = None) -> list[Entry | Percent | int]:
    """Numbers and 其中 markers of one sentence, each with its clause context."""
    events: list[Entry | Percent | int] = []
    cursor = 0
    depths = _Depths(text)
    for number in _numbers(text):
        if budget is not None:
            budget.check()
        events.extend(_qizhong_between(text, cursor, number.start, depths))
        cursor = number.end
        clause, previous = _clause_before(text, number.start)
        depth = depths.at(number.start)
        approx = bool(_APPROX_AFTER.match(text, number.end) or _APPROX_BEFORE.search(clause))
        if number.unit in PERCENT_UNITS:
            events.append(_percent(number, clause, depth))
        else:
            events.append(_entry(number, clause, previous, depth, approx))
    events.extend(_qizhong_between(text, cursor, len(text), depths))
    return events


def _numbers(text: str) -> list[Number]:
    """Numbers with a unit, and scores printed bare after 得分/总分, in reading order."""
    found = [_number(m) for m in NUMBER.finditer(text)]
    for m in _BARE_SCORE.finditer(text):
        raw = m.group("num")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        found.append(Number(float(raw), raw, "分", decimals, m.start("num"), m.end("num")))
    return sorted(found, key=lambda n: n.start)


def _number(m: Any) -> Number:
    raw: str = m.group("num")
    value = float(raw.replace(",", ""))
    if m.group("sign"):
        value = -value
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    return Number(value, m.group(0), m.group("unit"), decimals, m.start(), m.end())


def _qizhong_between(text: str, start: int, stop: int, depths: _Depths) -> list[int]:
    """Depths of the 其中 words (as jieba words, not substrings) in text[start:stop]."""
    if "其中" not in text[start:stop]:
        return []
    found: list[int] = []
    offset = start
    for word in tokenizer().lcut(text[start:stop], HMM=False):
        if word == "其中":
            found.append(depths.at(offset))
        offset += len(word)
    return found


def _clause_before(text: str, pos: int) -> tuple[str, str]:
    """The clause a number ends (back to the last break) and the clause before that one.

    A closed bracket inside the clause is part of it (`因公出国（境）费`, `支出(类)`); an open one
    is a break (`…费用（其中支付工资`).
    """
    start = _clause_start(text, pos)
    previous = _clause_start(text, start - 1) if start > 0 else 0
    return text[start:pos].strip("　 "), text[previous : max(start - 1, 0)].strip("　 ")


def _clause_start(text: str, pos: int) -> int:
    i, closed = pos, 0
    while i > max(0, pos - _CLAUSE_MAX):
        ch = text[i - 1]
        if ch in _CLOSE:
            closed += 1
        elif ch in _OPEN:
            if not closed:
                break
            closed -= 1
        elif not closed and ch in _CLAUSE_BREAK + "。":
            break
        i -= 1
    return i


class _Depths:
    """Parenthesis depth at positions asked in reading order: one pass over the sentence, not
    one from its start per number (quadratic on a long line of numbers)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def at(self, pos: int) -> int:
        if pos < self.pos:  # asked out of order: count again from the start
            self.pos = self.depth = 0
        for ch in self.text[self.pos : pos]:
            if ch in _OPEN:
                self.depth += 1
            elif ch in _CLOSE:
                self.depth = max(0, self.depth - 1)
        self.pos = pos
        return self.depth


def _percent(number: Number, clause: str, depth: int) -> Percent:
    tokens = words(clause)
    if "占" in tokens:
        name = clause[clause.rindex("占") + 1 :].removesuffix("的").strip()
        return Percent(number, "share", 0, name or None, depth)
    if "差异率" in clause:
        return Percent(number, "budget_gap", 0, None, depth)
    if _EXEC_RATE.search(clause):
        return Percent(number, "exec_rate", 0, None, depth)
    direction = _direction(tokens)
    if direction:
        return Percent(number, "change", direction, None, depth)
    return Percent(number, "other", 0, None, depth)


def _direction(tokens: list[str]) -> int:
    if any(t in UP_WORDS for t in tokens):
        return 1
    if any(t in DOWN_WORDS for t in tokens):
        return -1
    return 0


def _entry(number: Number, clause: str, previous: str, depth: int, approx: bool) -> Entry:
    tokens = words(clause)
    direction = _direction(tokens)
    yoy = any(t in YOY_WORDS for t in tokens + words(previous))
    subject, role = _subject(tokens)
    return Entry(number, subject, role, depth, direction, yoy, approx)


def _subject(tokens: list[str]) -> tuple[str, str | None]:
    """The noun a number belongs to (leading verbs, years and numbering dropped) and its role."""
    text = "".join(tokens).rstrip("为是达：:")
    text = _LEADING_NUMBERING.sub("", _YEAR_PREFIX.sub("", text))
    for word in words(text):
        rest = text[len(word) :]
        if word not in LEADING_VERBS or len(rest) < 2 or _BARE_TOTAL.match(rest):
            break
        text = rest
    role = next((r for r in ROLE_WORDS if text.endswith(r)), None)
    return text, role


def comparable(a: Number, b: Number) -> bool:
    """Same kind of quantity: money in any of 元/万元/亿元, else the same unit."""
    if a.unit in MONEY_FACTORS and b.unit in MONEY_FACTORS:
        return True
    return a.unit == b.unit
