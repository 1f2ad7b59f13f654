"""The least-cost cut of a stream of cells into level labels, rows and unread cells.

As a table extractor aligns words to columns, the cells after the indicator header are cut by
dynamic programming: each piece is a level label (a closed vocabulary), a 序号, a row (cells
aligned to the column roles, `align`), or a cell read as nothing, which costs more than any
blank in a row. Where the text kept one row per line, a row that starts mid-line or runs over
a line end costs more, and the rest of a line that could not be read is never a row. Rows
with several least-cost alignments keep one only where the table proves it (`resolve`).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import regex

from pipeline.extract import headers as h
from pipeline.extract.align import NEVER, Alignment, align, kind_of
from pipeline.extract.located import LocatedTable, Text
from pipeline.extract.values import parse_number

_WEIGHT_SUFFIX = regex.compile(r"\d+(?:\.\d+)?分$")
_ROW = 5  # each row costs a little: of two cuts with equal blanks, fewer, fuller rows win
_UNREAD = 30  # per cell read as nothing: more than a blank cell in a row
_MID_LINE = 20  # a row starting after other cells of its line
_LINE_BREAK = 10  # a row running over a line end
_SCORE_OVER_WEIGHT = 15
VALUE_ROLES = ("target", "target_value", "actual")


@dataclass
class Piece:
    kind: str  # label | serial | row | unread
    start: int
    end: int
    rows: list[Alignment] = field(default_factory=list)
    proven: bool = False  # one of several alignments, chosen by the table's other rows or sums


class Reader:
    """The least-cost cut of the cells into labels, rows and unread cells."""

    def __init__(self, cells: list[Text], roles: tuple[str, ...]) -> None:
        self.cells = cells
        self.numbered = roles[:1] == ("seq",)  # a 序号 column: rows start with a number
        self.roles = roles[1:] if self.numbered else roles
        self.kinds = ["unread" if c.unread else kind_of(c.text) for c in cells]
        self.levels = [
            level_of(c, cells[i + 1] if i + 1 < len(cells) else None, None)
            for i, c in enumerate(cells)
        ]
        self.by_line = line_mode(cells)
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
        return self.levels[i] is not None or (self.numbered and serial(self.cells[i].text))

    def pieces(self) -> list[Piece]:
        """The least-cost cut. The state after each cell says whether it ended a row or label
        (0) or was read as nothing (1): by line, a row may start mid-line only after a row."""
        n = len(self.cells)
        worst = NEVER * (n + 1)
        cost = [[worst, worst] for _ in range(n + 1)]
        cost[0][0] = 0
        back: list[list[tuple[Piece, int] | None]] = [[None, None] for _ in range(n + 1)]
        for i in range(n):
            for state in (0, 1):
                if cost[i][state] >= worst:
                    continue
                for piece, c in self._from(i, after_unread=state == 1):
                    to = 1 if piece.kind == "unread" else 0
                    if cost[i][state] + c < cost[piece.end][to]:
                        cost[piece.end][to] = cost[i][state] + c
                        back[piece.end][to] = (piece, state)
        out: list[Piece] = []
        at, state = n, (0 if cost[n][0] <= cost[n][1] else 1)
        while at > 0:
            step = back[at][state]
            assert step is not None  # every cell can at least be read as nothing
            out.append(step[0])
            at, state = step[0].start, step[1]
        return out[::-1]

    def _from(self, i: int, *, after_unread: bool) -> list[tuple[Piece, int]]:
        out = [(Piece("unread", i, i + 1), _UNREAD)]
        if self.levels[i] is not None:
            out.append((Piece("label", i, i + 1), 0))
        if self.numbered and serial(self.cells[i].text):
            out.append((Piece("serial", i, i + 1), 1))
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
            out.append((Piece("row", i, j, found), found[0].cost + extra + _ROW))
        return out

    def _layout_cost(self, i: int, j: int) -> int:
        if not self.by_line:
            return 0
        breaks = sum(1 for m in range(i + 1, j) if self.cells[m].line != self.cells[m - 1].line)
        return (0 if self.starts[i] else _MID_LINE) + breaks * _LINE_BREAK


def stop_at_unread_lines(pieces: list[Piece], cells: list[Text], roles: tuple[str, ...]) -> None:
    """A row that runs over a line end into a line it does not take whole, or, where rows
    run one per line, into a line a page break follows, took cells of the next row: in the
    first case the opening cells of a row that could not be read (`送戏下乡演出 >= 24 场 30` ·
    `开展培训讲座 2 6 场 20`: a name read as the actual, a misread `≥` as the score), in the
    second the first part of a name the page cut (`中小学校` · `8、` · `舍建设数量 …`). The
    row ends before that line where it is a row alone, with one alignment; the cells it took
    are read as nothing. Otherwise the whole row is read as nothing."""
    row_roles = roles[1:] if roles[:1] == ("seq",) else roles
    by_line = line_mode(cells)
    out: list[Piece] = []
    for k, piece in enumerate(pieces):
        out.append(piece)
        last = cells[piece.end - 1]
        if piece.kind != "row" or cells[piece.start].line == last.line or last.line is None:
            continue
        if by_line and across_a_cut_text(cells[piece.start : piece.end]):
            piece.kind = "unread"
            continue
        after = cells[piece.end] if piece.end < len(cells) else None
        unread_rest = pieces[k + 1].kind == "unread" if k + 1 < len(pieces) else False
        into_rest = after is not None and after.line == last.line and unread_rest
        gap = after is not None and after.follows_break
        if not (into_rest or (by_line and gap)):
            continue
        cut = next(i for i in range(piece.start, piece.end) if cells[i].line == last.line)
        kinds = [kind_of(c.text) for c in cells[piece.start : cut]]
        alone = [a for a in align(kinds, row_roles) if _complete(a, row_roles)]
        if len(alone) == 1:
            out[-1] = Piece("row", piece.start, cut, alone, piece.proven)
            out.append(Piece("unread", cut, piece.end))
        else:
            piece.kind = "unread"
    pieces[:] = out


def across_a_cut_text(row: list[Text]) -> bool:
    """Rows one per line: a row whose cells go on past a skipped line (a page break) from a
    Chinese text to a Chinese text may have a cell cut by the page (`村卫` · `3、` ·
    `生室带动作用 …`, `逐步` · `提高 …`): which it is, the text does not show."""
    for before, after in itertools.pairwise(row):
        if not after.follows_break:
            continue
        if _HAN.search(before.text[-1:]) and _HAN.match(after.text):
            return True
    return False


_HAN = regex.compile(r"\p{Han}")


def line_mode(cells: list[Text]) -> bool:
    """Most cells share their line with another, over several lines: one row per line
    (flat-space, pipe rows), not one cell per line nor a whole table on one line."""
    per_line = Counter(c.line for c in cells)
    shared = sum(1 for c in cells if c.line is not None and per_line[c.line] > 1)
    return shared * 2 > len(cells) and sum(1 for n in per_line.values() if n > 1) >= 3


def _complete(found: Alignment, roles: tuple[str, ...]) -> bool:
    """A row has its name and a target or actual. In a scored table a row without weight and
    score is read only to be settled as a 其中 part or a group member (`rowkinds`)."""
    have = found.roles
    if "level3" not in have or not have & set(VALUE_ROLES):
        return False
    return "target_op" not in have or "target_value" in have  # a comparator needs its number


def _numbers_cost(found: Alignment, cells: list[Text]) -> int:
    """A score above its weight is possible (a finding), but less likely than a misread."""
    w, s = found.get("weight"), found.get("score")
    if w is None or s is None:
        return 0
    weight, score = parse_number(cells[w].text), parse_number(cells[s].text)
    if weight is not None and score is not None and score > weight:
        return _SCORE_OVER_WEIGHT
    return 0


def serial(text: str) -> bool:
    return text.strip().isdigit() and len(text.strip()) <= 3


def resolve(
    pieces: list[Piece],
    cells: list[Text],
    roles: tuple[str, ...],
    total: list[Text] | None,
    table: LocatedTable,
) -> None:
    """Rows with several least-cost alignments keep one only where the table proves it: the
    blank columns of the table's unambiguous rows, or weights adding up to the printed total."""
    rows = [p for p in pieces if p.kind == "row"]
    _score_left_blank(rows, roles)
    sure = Counter(_blanks(p.rows[0], roles) for p in rows if len(p.rows) == 1)
    for piece in rows:
        if len(piece.rows) == 1:
            continue
        fits = [a for a in piece.rows if sure and _blanks(a, roles) == sure.most_common(1)[0][0]]
        if len(fits) == 1:
            piece.rows, piece.proven = fits, True
    open_rows = [p for p in rows if len(p.rows) > 1]
    if open_rows:
        printed = [parse_number(t.text) for t in (total or [])[:1]]
        budget = parse_number(table.budget.weight) if table.budget else None
        # the total proves the open rows' weights only where no row read one way prints one
        # (an unfilled form): beside sure weights, a cut row's 100, or a 7 printed twice
        # (`7%` · `7`), adds up as well by chance
        if not _weights([p for p in rows if len(p.rows) == 1], cells):
            _by_weight_total(open_rows, cells, printed[0] if printed else None, budget)


def _weights(rows: list[Piece], cells: list[Text]) -> list[Decimal]:
    """The weights the rows read one way print."""
    out: list[Decimal] = []
    for piece in rows:
        at = piece.rows[0].get("weight")
        weight = parse_number(cells[piece.start + at].text) if at is not None else None
        out += [weight] if weight is not None else []
    return out


def _score_left_blank(rows: list[Piece], roles: tuple[str, ...]) -> None:
    """A form whose 得分 column was left blank (completion filled, scores not): when the
    rows that print an actual never print a score too, a row's lone number after its target
    is its actual, not a score (a plain number fits the score column a little better)."""
    if "actual" not in roles or "score" not in roles:
        return
    between = roles[roles.index("actual") + 1 : roles.index("score")]
    single = [p.rows[0] for p in rows if len(p.rows) == 1]
    filled = [a for a in single if a.get("actual") is not None]
    if not filled or any(a.get("score") is not None for a in filled):
        return
    for piece in rows:
        found = piece.rows[0] if len(piece.rows) == 1 else None
        if found is None or found.get("score") is None or found.get("actual") is not None:
            continue
        if found.get("weight") is not None or any(found.get(r) is not None for r in between):
            continue
        cells = tuple(("actual" if r == "score" else r, i) for r, i in found.cells)
        piece.rows, piece.proven = [Alignment(found.cost, cells)], True


def _blanks(found: Alignment, roles: tuple[str, ...]) -> frozenset[str]:
    """The columns left blank in a row, text columns (reason, description …) and 度量单位 (none
    on a 定性 row) aside: those are blank on any row."""
    return frozenset(r for r in roles if r not in found.roles and r not in _FREE_BLANKS)


_FREE_BLANKS = frozenset(
    {"reason", "basis", "description", "rule_text", "completion", "core", "target_unit"}
)


def _by_weight_total(
    open_rows: list[Piece],
    cells: list[Text],
    printed: Decimal | None,
    budget: Decimal | None,
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
            piece.rows, piece.proven = [found_one], True


# Level-2 labels and the level-1 labels they are printed under (old MoF forms put 服务对象满意度
# under 效益指标, newer ones under 满意度指标; 成本指标 is a level 1 of its own since 2021).
_PARENTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("数量指标", "质量指标", "时效指标"), frozenset({"产出指标"})),
    **dict.fromkeys(
        ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"), frozenset({"效益指标"})
    ),
    **dict.fromkeys(
        ("经济成本指标", "社会成本指标", "生态环境成本指标"), frozenset({"成本指标", "产出指标"})
    ),
    **dict.fromkeys(
        ("服务对象满意度指标", "社会公众或服务对象满意度指标", "服务对象满意度指标等"),
        frozenset({"满意度指标", "效益指标"}),
    ),
}


def belongs(level1: str, level2: str) -> bool:
    """Whether a level-2 label can stand under this level 1 (unknown labels can)."""
    parents = _PARENTS.get(h.key(level2))
    bare1 = _WEIGHT_SUFFIX.sub("", h.key(level1))
    return parents is None or bare1 not in h.LEVEL1_LABELS or bare1 in parents


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
