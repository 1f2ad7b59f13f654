"""The rows of a rubric score sheet (评分表) read from a stream of cells.

A rubric prints no target and no actual: a row is its level labels, the indicator name with
its weight in the label (`资金到位率（4分）`), a description (指标说明 / 指标解释), the rule
(评分标准: `≥90%,计5分;80%(含)-90%,计4分`, `每减少1%,扣1分`), the self score and often a
reviewer's score (复核分 / 县级评分 …), one of them often blank. Text that lost its grid keeps
these cells in printed order but drops the merged and empty ones, so a row may print its
level labels or not, and its description or not.

The cells are cut into rows by least total cost, as `stream_cut` does for the other families,
but the cells are told apart by what a rubric prints: a rule is recognised by its grammar
(计N分, 扣N分, 不得分, 满分), a description is a sentence, a label ends in its weight
`(N分)`, a score is a plain number. The roles are the header's, in printed order, level
labels included: a row that prints one label before its name prints its level-2 label (a new
level-1 group always starts a new level-2 group, so it prints both). A row whose cells fit
two readings equally well is not guessed at: its cells are reported (ROW_UNPARSED).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

from pipeline.extract import headers as h
from pipeline.extract.headers import ColumnRole
from pipeline.extract.located import (
    LocatedTable,
    RawIndicator,
    Text,
    WeightSource,
    set_totals_in_order,
)
from pipeline.extract.rollups import link_rollups
from pipeline.extract.rowcheck import raw_cells
from pipeline.extract.stream_cut import across_a_cut_text, line_mode
from pipeline.extract.stream_rows import _page_noise_removed, _rows_end, _scrambled, joined
from pipeline.extract.unscramble import unscramble
from pipeline.extract.values import normalize, parse_number, parse_value, weight_in_label

# A scoring rule's grammar: 计5分, 得3分, 扣1分, 不得分, 得满分, 扣完为止, 酌情扣分.
_RULE = regex.compile(
    r"[计得扣给加减]\s*\d+(?:\.\d+)?\s*分|不得分|满分|扣完为止|不计分|酌情[扣给计]|[扣得]分"
)
_LABEL = regex.compile(r"^.{1,30}?[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")
_SENTENCE_END = regex.compile(r"[。；;]$")
# OCR look-alikes in text that reached us already recognised: `IO` for 10, `(IO分)`, `90$`
# for 90%, `^90%` / `工90%` for ≥90%. A cell holding them takes no role: its row is reported.
_DAMAGED = regex.compile(
    r"^[\dIOl.]*[IOl][\dIOl.]*$|[(（]\s*[\dIOl.]*[IOl][\dIOl.]*\s*分|\d\s*\$|^[\^工]\s*\d"
    r"|(?<![A-Za-z])[IOl](?=[\dIOl]*\d)|(?<=\d)[IOl](?![A-Za-z])"
)
_LONG = 24  # characters: longer texts are sentences, not labels
_BLANK_MARKS = frozenset({"/", "／", "-", "—", "——", "－", "无"})

NEVER = 10_000
_ROW = 5
_UNREAD = 30

# What each kind of cell costs in each role (absent: the cell cannot take it).
_LEVEL_FIT = {"label": 0, "text": 0}
_FIT: dict[str, dict[str, int]] = {
    "level1": _LEVEL_FIT,
    "level2": _LEVEL_FIT,
    "level3": {"label": 0, "text": 0, "long": 4},  # a sentence (考察…情况。) is no name
    "description": {"sentence": 0, "long": 0, "text": 1, "value": 2, "rule": 3, "label": 4},
    "rule_text": {"rule": 0, "sentence": 1, "long": 1, "text": 1, "value": 2, "label": 4},
    "weight": {"number": 0},
    "score": {"number": 0, "blank": 1},
    "score_review": {"number": 0, "blank": 1},
    "seq": {"serial": 0},
}
_TEXT_FIT = {"sentence": 0, "long": 0, "text": 0, "rule": 0, "value": 0, "label": 1}
# What leaving a role blank costs: merged level cells are common, a level-1 cell more than a
# level-2 one (a row printing one label prints its level-2 label); a missing score is rare.
_BLANK = {
    "level1": 2,
    "level2": 3,
    "level3": NEVER,
    "description": 3,
    "rule_text": 3,
    "weight": 20,
    "score": 20,
    "score_review": 2,
    "seq": 20,
}
_TEXT_BLANK = 3
_MAIN = frozenset({"level1", "level2", "level3", "weight", "score", "seq", "basis", "reason"})


def kind_of(text: str) -> str:
    """number | serial | blank | damaged | value | rule | label | sentence | long | text."""
    bare = normalize(text)
    if bare in _BLANK_MARKS:
        return "blank"
    if _DAMAGED.search(bare):
        return "damaged"
    value = parse_value(bare)
    if value.is_number and value.op is None and value.unit in (None, "分"):
        return "serial" if bare.isdigit() and len(bare) <= 3 else "number"
    if value.is_number or value.status == "date":
        return "value"
    return _text_kind(bare)


def _text_kind(bare: str) -> str:
    if _RULE.search(bare):
        return "rule"
    if _LABEL.match(bare) and len(bare) <= _LONG:
        return "label"
    if _SENTENCE_END.search(bare):
        return "sentence"
    return "long" if len(bare) > _LONG else "text"


def _fit(role: str, kind: str, weighted: bool) -> int | None:
    """What a cell of `kind` costs in `role`. Without a weight column (`weighted` False) the
    weight lives in the name's label `(4分)`: a name without one is less likely."""
    fits = _FIT.get(role, _TEXT_FIT)
    if kind == "serial" and "serial" not in fits:
        kind = "number"  # a small whole number is also a score
    fit = fits.get(kind)
    if role == "level3" and fit is not None and kind != "label" and not weighted:
        return fit + _NAME_WITHOUT_WEIGHT
    return fit


_NAME_WITHOUT_WEIGHT = 2


@dataclass(frozen=True, slots=True)
class _Aligned:
    cost: int
    cells: tuple[tuple[ColumnRole, int], ...]  # (role, index of its cell in the row)


def align(kinds: list[str], roles: tuple[ColumnRole, ...]) -> list[_Aligned]:
    """Every least-cost alignment of the cells (in order) to the roles (in order), at most
    two: two already make the row ambiguous."""
    n, k = len(kinds), len(roles)
    weighted = "weight" in roles
    best: list[list[tuple[int, list[tuple[tuple[ColumnRole, int], ...]]]]] = [
        [(NEVER, []) for _ in range(k + 1)] for _ in range(n + 1)
    ]
    best[0][0] = (0, [()])
    for i in range(n + 1):
        for j in range(1, k + 1):
            options = []
            cost, paths = best[i][j - 1]
            options.append((cost + _BLANK.get(roles[j - 1], _TEXT_BLANK), paths))
            fit = _fit(roles[j - 1], kinds[i - 1], weighted) if i > 0 else None
            if fit is not None:
                cost, paths = best[i - 1][j - 1]
                options.append((cost + fit, [(*p, (roles[j - 1], i - 1)) for p in paths]))
            least = min((c for c, p in options if p), default=NEVER)
            if least < NEVER:
                best[i][j] = (least, [p for c, ps in options if c == least for p in ps][:2])
    cost, found = best[n][k]
    return [_Aligned(cost, p) for p in found] if cost < NEVER else []


@dataclass
class _Piece:
    start: int
    end: int
    rows: list[_Aligned]  # empty: a cell read as nothing


def row_cost(texts: list[str], roles: tuple[ColumnRole, ...]) -> int:
    """What one row's cells cost in `roles` (NEVER: no complete rubric row)."""
    found = [a for a in align([kind_of(t) for t in texts], roles) if _complete(a)]
    return found[0].cost if found else NEVER


def cut(cells: list[Text], roles: tuple[ColumnRole, ...]) -> list[_Piece]:
    """The least-cost cut of `cells` into rows and cells read as nothing (cells a reader
    already found unreadable: only as nothing)."""
    kinds = ["unread" if c.unread else kind_of(c.text) for c in cells]
    n = len(cells)
    cost = [0] + [NEVER * (n + 1)] * n
    back: list[_Piece | None] = [None] * (n + 1)
    for i in range(n):
        options = [(_Piece(i, i + 1, []), _UNREAD)]
        for j in range(i + 1, min(n, i + len(roles)) + 1):
            found = [a for a in align(kinds[i:j], roles) if _complete(a)]
            if found:
                options.append((_Piece(i, j, found), found[0].cost + _ROW))
        for piece, c in options:
            if cost[i] + c < cost[piece.end]:
                cost[piece.end], back[piece.end] = cost[i] + c, piece
    out: list[_Piece] = []
    at = n
    while at > 0:
        step = back[at]
        assert step is not None  # every cell can at least be read as nothing
        out.append(step)
        at = step.start
    return out[::-1]


def _complete(found: _Aligned) -> bool:
    """A rubric row has its name and a score or weight."""
    have = {r for r, _ in found.cells}
    return "level3" in have and bool({"score", "weight"} & have)


def header_roles(header: list[Text]) -> tuple[ColumnRole, ...]:
    """The row cells' roles in printed order, level labels included (a rubric's levels are
    an open vocabulary, so they are read by place, not by word)."""
    roles = [r for r in h.flat_header_roles([t.text for t in header]).roles if r is not None]
    first = next((i for i, r in enumerate(roles) if r in _FIRST_COLUMNS), None)
    if first is None or "level3" not in roles:
        return ()
    return tuple(roles[first:])  # words before 序号 / 一级指标 (a title: …评分表) are no columns


_FIRST_COLUMNS = frozenset({"seq", "level1", "level2", "level3"})


def read_rubric(header: list[Text], toks: list[Text], table: LocatedTable) -> None:
    """The rows of a rubric after its header `header` into `table`, and its 合计 row."""
    roles = header_roles(header)
    end, total = _rows_end(toks)
    cells = _page_noise_removed([t for t in toks[:end] if not h.is_placeholder(t.text)])
    if not roles:
        if cells:
            table.unparsed.append(joined(cells[:200]))
        return
    if _scrambled(cells, roles[:1] == ("seq",)):
        # numbers first, labels after: each line put back where one order is cheapest
        toks = unscramble(toks, lambda texts: row_cost(texts, roles))
        end, total = _rows_end(toks)
        cells = _page_noise_removed([t for t in toks[:end] if not h.is_placeholder(t.text)])
    _emit(cut(cells, roles), cells, table)
    if total is not None:
        _total(total, roles, table)
    stated = parse_number(table.total_score) if table.total_score else None
    table.indicators = link_rollups(table.indicators, set(roles), stated)
    if total is None and table.indicators and _cut_by_the_end(table.indicators, cells[-1]):
        last = table.indicators.pop()  # the text stops inside it: its score is not blank
        table.unparsed.append(Text(f"{raw_cells(last)} （文本在此行中断）", last.page, last.line))


def _cut_by_the_end(rows: list[RawIndicator], last_cell: Text) -> bool:
    """The last row holds the stream's last cell and, unlike the rows before it, no score:
    an excerpt or a page that ends mid-row, not a score left blank."""
    last = rows[-1]
    holds_end = any(c is last_cell for c in (last.level3, last.weight, *last.extra.values()))
    return holds_end and last.score is None and any(r.score is not None for r in rows[:-1])


def scored_rows(tables: list[LocatedTable]) -> int:
    """Complete rubric rows (a name, a weight and a score that read as numbers), counted
    where a reading's complete rows are compared: a rubric prints no target or actual."""
    return sum(
        1
        for t in tables
        if t.form_family == "rubric"
        for r in t.indicators
        if r.level3 and _number(r.weight) is not None and _number(r.score) is not None
    )


def _number(cell: Text | None) -> Decimal | None:
    return parse_number(cell.text) if cell is not None else None


def _emit(pieces: list[_Piece], cells: list[Text], t: LocatedTable) -> None:
    level1: Text | None = None
    level2: Text | None = None
    unread: list[Text] = []
    by_line = line_mode(cells)
    for piece in pieces:
        row = cells[piece.start : piece.end]
        if len(piece.rows) != 1 or (by_line and across_a_cut_text(row)):
            unread.extend(row)
            continue
        if unread:  # a row may be lost in them, with new level labels: the levels are unknown
            t.unparsed.append(joined(unread))
            unread, level1, level2 = [], None, None
        by_role = {role: row[at] for role, at in piece.rows[0].cells}
        new1, new2 = by_role.get("level1"), by_role.get("level2")
        if new1 is not None and (level1 is None or new1.text != level1.text):
            level1, level2 = new1, None
        if new2 is not None:
            level2 = new2
        t.indicators.append(_indicator(by_role, level1, level2))
    if unread:
        t.unparsed.append(joined(unread))


def _indicator(
    by_role: dict[ColumnRole, Text], level1: Text | None, level2: Text | None
) -> RawIndicator:
    name = by_role["level3"]
    weight = by_role.get("weight")
    source: WeightSource = "column" if weight is not None else "none"
    if weight is None:
        _, in_label = weight_in_label(name.text)
        if in_label is not None:  # the weight lives in the label: `资金到位率（4分）`
            weight, source = Text(f"{in_label:f}", name.page, name.line), "label"
    extra = {role: cell for role, cell in by_role.items() if role not in _MAIN}
    return RawIndicator(
        level1=level1,
        level2=level2,
        level3=name,
        target=None,
        actual=None,
        weight=weight,
        score=by_role.get("score"),
        basis=by_role.get("basis"),
        reason=by_role.get("reason"),
        page=name.page,
        line=name.line,
        where=name.where,
        bbox=name.bbox,
        extra=extra,
        confidence=0.9,  # aligned by cell type, the only alignment of least cost
        weight_source=source,
    )


def _total(toks: list[Text], roles: tuple[ColumnRole, ...], table: LocatedTable) -> None:
    """The numbers after 合计, in the order the header prints its number columns."""
    numbers: list[str] = []
    for tok in toks[:4]:
        if parse_number(tok.text) is None:
            break
        numbers.append(tok.text)
    set_totals_in_order(table, numbers, roles, parse_number)
