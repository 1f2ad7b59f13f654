"""The rows of a 自评表 read from a stream of cells, by aligning cells to the header's roles.

After the indicator header the stream is cut into pieces, by least total cost (dynamic
programming, as a table extractor aligns words to columns): a level label (a closed
vocabulary), a 序号, a row (cells aligned to the column roles, `align`), or a cell read as
nothing. Where the text kept one row per line, a row that starts mid-line or runs over a line
end costs more. A row is emitted only when its alignment is the only one of least cost, or
the table's other rows or its numbers (weights adding up to the printed total) prove which
one; every other run of cells becomes `LocatedTable.unparsed`, never a guessed row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import regex

from pipeline import lexicon
from pipeline.extract import headers as h
from pipeline.extract.align import NEVER, OPERATOR_ONLY, Alignment, align, kind_of
from pipeline.extract.located import LocatedTable, RawIndicator, Text, set_total
from pipeline.extract.stream_header import is_header_word
from pipeline.extract.values import parse_number

__all__ = ["OPERATOR_ONLY", "joined", "level_of", "read_rows"]

_WEIGHT_SUFFIX = regex.compile(r"\d+(?:\.\d+)?分$")
_SECTION = regex.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)\S")
_ROW = 5  # each row costs a little: of two cuts with equal blanks, fewer, fuller rows win
_UNREAD = 30  # per cell read as nothing: more than a blank cell in a row
_MID_LINE = 20  # a row starting after other cells of its line
_LINE_BREAK = 10  # a row running over a line end
_SCORE_OVER_WEIGHT = 15
_VALUE_ROLES = ("target", "tvalue", "actual")


@dataclass
class _Piece:
    kind: str  # label | serial | row | unread
    start: int
    end: int
    rows: list[Alignment] = field(default_factory=list)


def read_rows(toks: list[Text], roles: tuple[str, ...], table: LocatedTable) -> None:
    """Indicator rows of `toks` (the cells after the header) into `table`."""
    end, total = _rows_end(toks)
    cells = _page_noise_removed([t for t in toks[:end] if not h.is_placeholder(t.text)])
    unreadable = not set(_VALUE_ROLES) & set(roles) or "level3" not in roles
    if cells and (unreadable or _scrambled(cells, roles[:1] == ("serial",))):
        # no target or actual column, or text out of order: the cells are reported, not read
        table.unparsed.append(joined(cells[:200]))
    elif cells:
        pieces = _Reader(cells, roles).pieces()
        _resolve(pieces, cells, roles, total, table)
        _emit(pieces, cells, table)
    if total is not None:
        _total(total, table)


_NUMERIC = frozenset({"number", "percent", "value", "operator"})


def _scrambled(cells: list[Text], numbered: bool) -> bool:
    """PDF text in the wrong order: many lines open with numbers, their labels after."""
    lines: dict[int | None, list[Text]] = {}
    for cell in cells:
        lines.setdefault(cell.line, []).append(cell)
    opened = [row[1:] if numbered and _serial(row[0].text) else row for row in lines.values()]
    full = [row for row in opened if len(row) >= 2]
    numeric = sum(1 for row in full if _numbers_then_labels(row))
    return numeric >= 2 and numeric * 4 >= len(full)


def _numbers_then_labels(row: list[Text]) -> bool:
    """A line that opens with numbers and goes on with two or more texts (a name and its
    labels). A fragment of a row broken over lines (`96 10 10 原因`) has one text at most."""
    kinds = [kind_of(c.text) for c in row]
    if kinds[0] not in _NUMERIC:
        return False
    texts = [k for k in kinds if k not in _NUMERIC]
    return len(texts) >= 2


def _page_noise_removed(cells: list[Text]) -> list[Text]:
    """Without `绩效自评表（续）` titles and the header repeated on a new page (a run of
    three or more header words)."""
    header = [is_header_word(c.text) for c in cells]
    out: list[Text] = []
    for i, cell in enumerate(cells):
        run = 1
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(cells) and header[j]:
                run, j = run + 1, j + step
        if not (h.is_title(cell.text) or (header[i] and run >= 3)):
            out.append(cell)
    return out


def _rows_end(toks: list[Text]) -> tuple[int, list[Text] | None]:
    """Where the rows stop, and the cells after the 总分 label: at the 总分 row, the
    report's next section, or the labels that follow the rows (其他需要说明事项 …), after
    which only the total may still come."""
    for i, tok in enumerate(toks):
        if h.is_label(tok.text, h.TOTAL_LABELS):
            return i, toks[i + 1 :]
        if _SECTION.match(tok.text):
            return i, None
        if h.is_label(tok.text, h.AFTER_ROWS_LABELS):
            rest = toks[i + 1 :]
            at = next((j for j, t in enumerate(rest) if h.is_label(t.text, h.TOTAL_LABELS)), None)
            return i, (rest[at + 1 :] if at is not None else None)
    return len(toks), None


class _Reader:
    """The least-cost cut of the cells into labels, rows and unread cells."""

    def __init__(self, cells: list[Text], roles: tuple[str, ...]) -> None:
        self.cells = cells
        self.numbered = roles[:1] == ("serial",)  # a 序号 column: rows start with a number
        self.roles = roles[1:] if self.numbered else roles
        self.kinds = [kind_of(c.text) for c in cells]
        self.levels = [
            level_of(c, cells[i + 1] if i + 1 < len(cells) else None, None)
            for i, c in enumerate(cells)
        ]
        self.by_line = _line_mode(cells)
        self.starts = self._line_starts()
        self.longest = len(roles) + 1

    def _line_starts(self) -> list[bool]:
        """Cells that open their line, or follow only level labels and 序号 on it."""
        out: list[bool] = []
        for i, cell in enumerate(self.cells):
            j = i - 1
            while j >= 0 and self.cells[j].line == cell.line and self._lead(j):
                j -= 1
            out.append(j < 0 or self.cells[j].line != cell.line)
        return out

    def _lead(self, i: int) -> bool:
        return self.levels[i] is not None or (self.numbered and _serial(self.cells[i].text))

    def pieces(self) -> list[_Piece]:
        """The least-cost cut. The state after each cell says whether it ended a row or label
        (0) or was read as nothing (1): by line, a row may start mid-line only after a row."""
        n = len(self.cells)
        worst = NEVER * (n + 1)
        cost = [[worst, worst] for _ in range(n + 1)]
        cost[0][0] = 0
        back: list[list[tuple[_Piece, int] | None]] = [[None, None] for _ in range(n + 1)]
        for i in range(n):
            for state in (0, 1):
                if cost[i][state] >= worst:
                    continue
                for piece, c in self._from(i, after_unread=state == 1):
                    to = 1 if piece.kind == "unread" else 0
                    if cost[i][state] + c < cost[piece.end][to]:
                        cost[piece.end][to] = cost[i][state] + c
                        back[piece.end][to] = (piece, state)
        out: list[_Piece] = []
        at, state = n, (0 if cost[n][0] <= cost[n][1] else 1)
        while at > 0:
            step = back[at][state]
            assert step is not None  # every cell can at least be read as nothing
            out.append(step[0])
            at, state = step[0].start, step[1]
        return out[::-1]

    def _from(self, i: int, *, after_unread: bool) -> list[tuple[_Piece, int]]:
        out = [(_Piece("unread", i, i + 1), _UNREAD)]
        if self.levels[i] is not None:
            out.append((_Piece("label", i, i + 1), 0))
        if self.numbered and _serial(self.cells[i].text):
            out.append((_Piece("serial", i, i + 1), 1))
        if self.kinds[i] not in ("text", "mixed") or self.levels[i] is not None:
            return out  # a row starts with its name
        if self.by_line and after_unread and not self.starts[i]:
            return out  # the rest of a line that could not be read is not a row
        for j in range(i + 1, min(len(self.cells), i + self.longest) + 1):
            if any(self.levels[m] is not None for m in range(i + 1, j)):
                break  # a level label ends the row before it
            found = align(self.kinds[i:j], self.roles)
            found = [a for a in found if _complete(a, self.roles)]
            if not found:
                continue
            extra = self._layout_cost(i, j) + _numbers_cost(found[0], self.cells[i:j])
            out.append((_Piece("row", i, j, found), found[0].cost + extra + _ROW))
        return out

    def _layout_cost(self, i: int, j: int) -> int:
        if not self.by_line:
            return 0
        breaks = sum(1 for m in range(i + 1, j) if self.cells[m].line != self.cells[m - 1].line)
        return (0 if self.starts[i] else _MID_LINE) + breaks * _LINE_BREAK


def _line_mode(cells: list[Text]) -> bool:
    """Most cells share their line with another, over several lines: one row per line
    (flat-space, pipe rows), not one cell per line nor a whole table on one line."""
    per_line = Counter(c.line for c in cells)
    shared = sum(1 for c in cells if c.line is not None and per_line[c.line] > 1)
    return shared * 2 > len(cells) and sum(1 for n in per_line.values() if n > 1) >= 3


def _complete(found: Alignment, roles: tuple[str, ...]) -> bool:
    """A row has its name, a target or actual, and in a scored table a weight or score."""
    have = found.roles
    if "level3" not in have or not have & set(_VALUE_ROLES):
        return False
    if "nature" in have and "tvalue" not in have:
        return False  # a comparator without its number
    return not ({"weight", "score"} & set(roles)) or bool({"weight", "score"} & have)


def _numbers_cost(found: Alignment, cells: list[Text]) -> int:
    """A score above its weight is possible (a finding), but less likely than a misread."""
    w, s = found.get("weight"), found.get("score")
    if w is None or s is None:
        return 0
    weight, score = parse_number(cells[w].text), parse_number(cells[s].text)
    if weight is not None and score is not None and score > weight:
        return _SCORE_OVER_WEIGHT
    return 0


def _serial(text: str) -> bool:
    return text.strip().isdigit() and len(text.strip()) <= 3


def _resolve(
    pieces: list[_Piece],
    cells: list[Text],
    roles: tuple[str, ...],
    total: list[Text] | None,
    table: LocatedTable,
) -> None:
    """Rows with several least-cost alignments keep one only where the table proves it: the
    blank columns of the table's unambiguous rows, or weights adding up to the printed total."""
    rows = [p for p in pieces if p.kind == "row"]
    sure = Counter(_blanks(p.rows[0], roles) for p in rows if len(p.rows) == 1)
    for piece in rows:
        if len(piece.rows) == 1:
            continue
        fits = [a for a in piece.rows if sure and _blanks(a, roles) == sure.most_common(1)[0][0]]
        if len(fits) == 1:
            piece.rows = fits
    open_rows = [p for p in rows if len(p.rows) > 1]
    if open_rows:
        printed = [parse_number(t.text) for t in (total or [])[:1]]
        budget = parse_number(table.budget.weight) if table.budget else None
        _by_weight_total(open_rows, cells, printed[0] if printed else None, budget)


def _blanks(found: Alignment, roles: tuple[str, ...]) -> frozenset[str]:
    values = {"target", "actual", "weight", "score", "tvalue"}
    return frozenset(r for r in roles if r in values and r not in found.roles)


def _by_weight_total(
    open_rows: list[_Piece], cells: list[Text], printed: Decimal | None, budget: Decimal | None
) -> None:
    """Unfilled forms (完成值 and 得分 blank): if reading each row's one number as its weight
    makes the weights (with the budget block's) add up to the printed total or to 100, that
    reading is proven."""
    chosen: list[Alignment] = []
    weights: list[Decimal] = []
    for piece in open_rows:
        found = [a for a in piece.rows if a.get("weight") is not None]
        at = found[0].get("weight") if len(found) == 1 else None
        weight = parse_number(cells[piece.start + at].text) if at is not None else None
        if weight is None:
            return
        chosen.append(found[0])
        weights.append(weight)
    total = sum(weights, Decimal(0))
    if {total, total + (budget or 0)} & {Decimal(100), printed}:
        for piece, found_one in zip(open_rows, chosen, strict=True):
            piece.rows = [found_one]


def _emit(pieces: list[_Piece], cells: list[Text], table: LocatedTable) -> None:
    level1: Text | None = None
    level2: Text | None = None
    unread: list[Text] = []
    for piece in pieces:
        if piece.kind == "row" and len(piece.rows) == 1:
            _flush(unread, table)
            table.indicators.append(_indicator(piece, cells, level1, level2))
        elif piece.kind == "label":
            _flush(unread, table)
            cell = cells[piece.start]
            nxt = cells[piece.end] if piece.end < len(cells) else None
            if level_of(cell, nxt, level1) == 1:
                level1, level2 = cell, None
            else:
                level2 = cell
        elif piece.kind != "serial":
            unread.extend(cells[piece.start : piece.end])
    _flush(unread, table)


def _flush(unread: list[Text], table: LocatedTable) -> None:
    if unread:
        table.unparsed.append(joined(unread))
        unread.clear()


def _indicator(
    piece: _Piece, cells: list[Text], level1: Text | None, level2: Text | None
) -> RawIndicator:
    row = cells[piece.start : piece.end]
    found = piece.rows[0]

    def cell(role: str) -> Text | None:
        at = found.get(role)
        return row[at] if at is not None else None

    target = cell("target")
    split = [c for c in (cell("nature"), cell("tvalue"), cell("unit")) if c is not None]
    if target is None and split:
        target = joined(split, " ")
    name = row[0]
    return RawIndicator(
        level1=level1,
        level2=level2,
        level3=name,
        target=target,
        actual=cell("actual"),
        weight=cell("weight"),
        score=cell("score"),
        basis=cell("basis"),
        reason=cell("reason"),
        page=name.page,
        line=name.line,
    )


def level_of(tok: Text, nxt: Text | None, level1: Text | None) -> int | None:
    """1 or 2 when `tok` is a level label. 成本指标 and 满意度指标 are either: a label
    directly followed by another label is the level-1 one."""
    bare = h.key(tok.text)
    bare = _WEIGHT_SUFFIX.sub("", bare)
    is1, is2 = bare in h.LEVEL1_LABELS, bare in h.LEVEL2_LABELS
    if is1 and is2:
        followed = nxt is not None and h.key(nxt.text) in h.LEVEL2_LABELS
        return 1 if (followed or level1 is None or "分" in h.key(tok.text)) else 2
    if is1:
        return 1
    return 2 if is2 else None


def joined(toks: list[Text], sep: str = " | ") -> Text:
    return Text(sep.join(t.text for t in toks), toks[0].page, toks[0].line)


_GRADE = regex.compile("^(" + "|".join(sorted(lexicon.grade_words(), key=len, reverse=True)) + ")$")


def _total(toks: list[Text], table: LocatedTable) -> None:
    numbers: list[str] = []
    for tok in toks[:4]:
        if parse_number(tok.text) is not None:
            numbers.append(tok.text)
        elif _GRADE.match(tok.text):
            table.grade = tok.text
            break
        else:
            break
    set_total(table, numbers, parse_number)
