"""Cells that ran together: text copied or OCR'd from a grid with no separator between cells.

`产出指标(40分)数量指标农技推广覆盖数量≥300所305所1414.00/` is a row of six cells printed
without spaces. A header printed the same way (`一级指标二级指标三级指标年度指标值…`) is cut by
its vocabulary, and gives the roles each following line must fill in order. A line is cut
into level labels (a closed vocabulary) and one cell per role by the value grammar: a name is
text that ends in no digit, a weight a small number, a score no larger than its weight, a
target or actual a value (`≥300所`), a share or a phrase (`达成预期指标`).

Digits that run together (`1414.00`: 14 | 14.00 or 141 | 4.00) can be cut several ways. A cut
is kept only where it is the only one, or where the weights of its level add up to the weight
its label prints (`产出指标(40分)`): proven, not guessed. A line that keeps several cuts is
left whole, so the token reader reports it as unread (ROW_UNPARSED) with its text.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from pipeline.extract import headers as h
from pipeline.extract.glued_blob import unblob
from pipeline.extract.glued_budget import ends_rows, glued_total, like, preamble, total_sums
from pipeline.extract.glued_cells import (
    FREE_BLANKS,
    TEXT_ROLES,
    alternation,
    arithmetic,
    consistent,
    decimals,
    fits,
    is_han,
    scored_with_weight,
    split_words,
)
from pipeline.extract.glued_proof import level_groups, prove_sum, proven
from pipeline.extract.glued_tails import tails
from pipeline.extract.located import Text
from pipeline.extract.lookalike import repair_tokens
from pipeline.extract.stream_header import column_roles, header_role
from pipeline.extract.values import weight_in_label

MAX_NAME = 40  # characters of an indicator name
MAX_CUTS = 1024  # cuts of one line kept at most: more is no reading

# 绩效指标 (the block over 一级/二级/三级指标) is left out: inside a header run it is the start
# of 年度绩效指标值; before 一级指标 it stands alone as the unknown text before the first word.
_HEADER_WORDS = alternation({s for synonyms in h.INDICATOR_COLUMNS.values() for s in synonyms})
_LEVELS = h.LEVEL1_LABELS | h.LEVEL2_LABELS


def unglue(toks: list[Text]) -> list[Text]:
    """`toks` with glued headers, header fields, budget rows and indicator rows cut into
    cells; everything else as it came (OCR look-alikes in numbers repaired first)."""
    toks = repair_tokens(toks)
    lines = unblob(_lines(toks), _HEADER_WORDS)
    if not any(_glued_header(line) for line in lines):
        # cells kept their separators; a total may still run into its number (`合计100`),
        # a row into its cells (OCR text: some lines lose their spaces)
        return [t for line in _under_spaced_header(lines) for t in (glued_total(line) or line)]
    out: list[Text] = []
    budget_columns: list[str] = []
    budget: dict[str, str] = {}
    at = 0
    while at < len(lines):
        line = lines[at]
        words = _glued_header(line)
        if words is None:
            out.extend(preamble(line, budget_columns, budget))
            at += 1
            continue
        roles = column_roles(words)
        out.extend(like(line[0], w) for w in words)
        at += 1
        while at < len(lines) and (more := _sub_header(lines[at])):  # 指标性质指标值度量单位
            roles = column_roles([*words, *more])
            words = [*words, *more]
            out.extend(like(lines[at][0], w) for w in more)
            at += 1
        end = at
        while end < len(lines) and not ends_rows(lines[end]):
            end += 1
        weighted = "weight" in roles
        sums = total_sums(lines[end], budget, weighted) if end < len(lines) else set()
        out.extend(_rows(lines[at:end], roles, sums))
        at = end
    return out


MIN_CELLS = 3  # a glued line under a spaced header is cut only into a name and two values


def _under_spaced_header(lines: list[list[Text]]) -> list[list[Text]]:
    """`lines` with each line that ran together under a header printed with its spaces cut
    into cells, where one cut of least cost reads it into a name and two values or more (no
    sum is proven here: the other rows are the token reader's); every other line as it came."""
    out: list[list[Text]] = []
    header: list[str] = []
    roles: tuple[str, ...] = ()
    for line in lines:
        words = [t.text for t in line]
        if len(line) > 1 and all(header_role(w) is not None for w in words):
            header = [*header, *words] if roles and "level3" not in column_roles(words) else words
            roles = column_roles(header) if "level3" in column_roles(header) else ()
            out.append(line)
            continue
        more = _sub_header(line) if roles else None  # 指标性质指标值度量单位, glued
        if more and "level3" in column_roles([*header, *more]):
            header = [*header, *more]
            roles = column_roles(header)
            out.append([like(line[0], w) for w in more])
            continue
        if ends_rows(line):
            header, roles = [], ()
        cut = _one_cut(line, roles) if roles and len(line) == 1 else None
        out.append([like(line[0], t) for t in (*cut.labels, *cut.texts())] if cut else line)
    return out


def _one_cut(line: list[Text], roles: tuple[str, ...]) -> Cut | None:
    row_roles = roles[1:] if roles[:1] == ("seq",) else roles
    found = _choose(cut_line(line[0].text, row_roles), row_roles)
    return found[0] if len(found) == 1 and len(found[0].cells) >= MIN_CELLS else None


def _glued_header(line: list[Text]) -> list[str] | None:
    """The words of an indicator header printed as one run (`一级指标二级指标三级指标…`)."""
    words = split_words(line[0].text, _HEADER_WORDS) if len(line) == 1 else None
    roles = column_roles(words) if words else ()
    return words if words and "level3" in roles and len(roles) >= 3 else None


def _sub_header(line: list[Text]) -> list[str] | None:
    """A header's second line, glued (`指标性质指标值度量单位`): every word a header word."""
    if len(line) != 1:
        return None
    words = split_words(line[0].text, _HEADER_WORDS)
    if words is None or any(header_role(w) is None for w in words):
        return None
    return words


def _lines(toks: list[Text]) -> list[list[Text]]:
    """Tokens grouped by the line they were printed on (tokens without a line stand alone)."""
    out: list[list[Text]] = []
    for tok in toks:
        if out and tok.line is not None and out[-1][-1].line == tok.line:
            out[-1].append(tok)
        else:
            out.append([tok])
    return out


# ---- indicator rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cut:
    """One way of reading a glued line: its level labels and one cell per role."""

    labels: tuple[str, ...]
    cells: tuple[tuple[str, str], ...]  # (role, text); blank roles left out

    def get(self, role: str) -> str | None:
        return next((t for r, t in self.cells if r == role), None)

    def texts(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.cells)


def _rows(
    lines: list[list[Text]], roles: tuple[str, ...], sums: set[tuple[Decimal, ...]]
) -> list[Text]:
    """The row lines under a header cut into cells where proven, the rest reported unread.
    `sums`: what the table's total row says its weights and scores add up to (together:
    a misprinted total is less likely to fit a wrong choice on both)."""
    row_roles = roles[1:] if roles[:1] == ("seq",) else roles
    lines = [_letter_spaced(ln) for ln in lines]
    texts = [ln[0].text if len(ln) == 1 else "" for ln in lines]
    groups = level_groups([_level1(t) for t in texts])
    bounds = {k: weight for members, weight in groups for k in members}  # no row weighs more
    cuts = [cut_line(t, row_roles, bounds.get(k)) if t else [] for k, t in enumerate(texts)]
    # The sums are proven over every weight and score a line may hold however its texts
    # divide (its loose cuts): a line whose texts no cut reads still counts, and a line
    # whose Chinese border the grammar misses cannot make a wrong choice fit the sums.
    loose = [tails(_labels(t)[1], row_roles, _bound(t, bounds.get(k))) for k, t in enumerate(texts)]
    for members, weight in groups:
        prove_sum(loose, members, {(weight,)})
    if {"weight", "score"} <= set(row_roles):
        prove_sum(loose, range(len(loose)), sums, ("weight", "score"))
    elif "score" in row_roles:  # no weight column (湖北): the total is the scores'
        prove_sum(loose, range(len(loose)), sums, ("score",))
    cuts = [
        _choose(proven(found, wide), row_roles) for found, wide in zip(cuts, loose, strict=True)
    ]
    _by_format(cuts)
    out: list[Text] = []
    for line, found in zip(lines, cuts, strict=True):
        if len(found) == 1:
            cut = found[0]
            out.extend(like(line[0], t) for t in (*cut.labels, *(t for _, t in cut.cells)))
        else:
            out.extend(_unread(line))
    return out


def _letter_spaced(line: list[Text]) -> list[Text]:
    """A line of a glued table printed with spaces, as one run whose spaces part cells
    (`_cells` cuts at each). A space that split a level label (`产 出 指 标数量指标…`,
    letter-spacing) goes."""
    if len(line) == 1:
        return line
    text = line[0].text
    for tok in line[1:]:
        joined = text + tok.text
        spaced = is_han(text[-1]) and is_han(tok.text[0])
        labels_joined = len(_labels(joined)[0]) > len(_labels(text + " " + tok.text)[0])
        text = joined if spaced and labels_joined else f"{text} {tok.text}"
    return [like(line[0], text)]


def _unread(line: list[Text]) -> list[Text]:
    """A line no cut reads: its level labels (a closed vocabulary, sure) and the rest as
    unread, to be reported. A line whose cells kept their spaces, labels apart, is left to
    the token reader."""
    labels, rest = _labels(line[0].text)
    if len(line) > 1 and not (labels and rest):
        return line
    unread = [like(line[0], rest), *line[1:]] if rest else line[1:]
    return [
        *(like(line[0], t) for t in labels),
        *(dataclasses.replace(t, unread=True) for t in unread),
    ]


def cut_line(text: str, roles: tuple[str, ...], bound: Decimal | None = None) -> list[Cut]:
    """Every cut of `text` into level labels and cells for `roles` that the value grammar
    allows (the choice among them is `_choose`'s, after the weights had their say).
    `bound`: the weight the line's level label prints, where the label opened an earlier line;
    no weight or score of the level passes it."""
    labels, rest = _labels(text)
    if not rest or not _cuttable(roles):
        return []
    bound = _bound(text, bound)
    found = list(itertools.islice(_cells(rest, roles, bound), MAX_CUTS + 1))
    if len(found) > MAX_CUTS:
        return []
    return [Cut(tuple(labels), cells) for cells in sorted(set(found))]


def _choose(cuts: list[Cut], roles: tuple[str, ...]) -> list[Cut]:
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


def _by_format(cuts: list[list[Cut]]) -> None:
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


def _labels(text: str) -> tuple[list[str], str]:
    """Level labels at the start of `text` (`产出指标(40分)`, `数量指标`), and the rest."""
    out: list[str] = []
    while True:
        size = max(
            (k for k in range(2, min(len(text), 24) + 1) if h.key(text[:k]) in _LEVELS),
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


def _bound(text: str, bound: Decimal | None) -> Decimal | None:
    """The weight a level label opening `text` prints (`产出指标(40分)`; else `bound`, what
    one on an earlier line printed): no row of the level weighs more."""
    for label in _labels(text)[0]:
        _, weight = weight_in_label(label)
        if weight is not None:
            return weight
    return bound


def _level1(text: str) -> tuple[str, Decimal | None, bool] | None:
    """The level-1 label opening a glued line (`产出指标(40分)`), its printed weight, and
    whether it may also be a level-2 label (成本指标, 满意度指标)."""
    labels, _ = _labels(text)
    if not labels or h.key(labels[0]) not in h.LEVEL1_LABELS:
        return None
    first = labels[0]
    return first, weight_in_label(first)[1], h.key(first) in h.LEVEL2_LABELS
