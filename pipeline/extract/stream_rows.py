"""The rows of a 自评表 read from a stream of cells, by aligning cells to the header's roles.

After the indicator header the stream is cut into level labels, rows and unread cells by
least total cost (`stream_cut`). A row is emitted only when its alignment is the only one of
least cost, or the table's other rows or its numbers (weights adding up to the printed total)
prove which one; every other run of cells becomes `LocatedTable.unparsed`, never a guessed
row. Text out of order (each line's numbers first, labels after) is put back line by line
where one order of its cells fits best (`unscramble`); a line that fits two is reported.
"""

from __future__ import annotations

import dataclasses

import regex

from pipeline import lexicon
from pipeline.extract import headers as h
from pipeline.extract.align import LEVEL_WORDS, OPERATOR_ONLY, kind_of
from pipeline.extract.headers import COLUMN_ROLES, ColumnRole
from pipeline.extract.located import LocatedTable, RawIndicator, Text, set_total
from pipeline.extract.rowcheck import raw_cells, relinked
from pipeline.extract.rowkinds import settle_kinds
from pipeline.extract.stream_cut import (
    VALUE_ROLES,
    Piece,
    Reader,
    belongs,
    level_of,
    line_mode,
    resolve,
    serial,
    stop_at_unread_lines,
)
from pipeline.extract.stream_header import is_header_word
from pipeline.extract.unscramble import stream_cost, unscramble
from pipeline.extract.values import parse_number

__all__ = ["OPERATOR_ONLY", "joined", "level_of", "read_rows"]

_SECTION = regex.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)\S")


def read_rows(toks: list[Text], roles: tuple[str, ...], table: LocatedTable) -> None:
    """Indicator rows of `toks` (the cells after the header) into `table`."""
    end, total = _rows_end(toks)
    cells = _page_noise_removed([t for t in toks[:end] if not h.is_placeholder(t.text)])
    if total is not None and line_mode(cells):
        total = _page_number_dropped(total)
    unreadable = not set(VALUE_ROLES) & set(roles) or "level3" not in roles
    if cells and not unreadable and _scrambled(cells, roles[:1] == ("seq",)):
        # rows put back in order where one order fits best (the 总分 row too: `100 总分`)
        toks = unscramble(toks, stream_cost(roles))
        end, total = _rows_end(toks)
        cells = _page_noise_removed([t for t in toks[:end] if not h.is_placeholder(t.text)])
    if cells and unreadable:
        # no target or actual column: the cells are reported, not read
        table.unparsed.append(joined(cells[:200]))
    elif cells:
        pieces = Reader(cells, roles).pieces()
        resolve(pieces, cells, roles, total, table)
        stop_at_unread_lines(pieces, cells, roles)
        _emit(pieces, cells, table)
        # a form may leave 分值/得分 blank on every row; unread rows with numbers show it did not
        unread = [c for u in table.unparsed for c in u.text.split(" | ")]
        printed = any(r.weight or r.score for r in table.indicators) or any(
            kind_of(c) in ("number", "mixed") and any(ch.isdigit() for ch in c) for c in unread
        )
        _settle(table, scored=printed and bool({"weight", "score"} & set(roles)))
    if total is not None:
        _total(total, table)


_NUMERIC = frozenset({"number", "percent", "value", "operator"})


def _scrambled(cells: list[Text], numbered: bool) -> bool:
    """PDF text in the wrong order: many lines open with numbers, their labels after."""
    lines: dict[int | None, list[Text]] = {}
    for cell in cells:
        lines.setdefault(cell.line, []).append(cell)
    opened = [row[1:] if numbered and serial(row[0].text) else row for row in lines.values()]
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
    """Without `绩效自评表（续）` titles, bare page numbers and the header repeated on a new
    page (a run of three or more header words)."""
    header = [is_header_word(c.text) for c in cells]
    out: list[Text] = []
    skipped = False  # the next cell kept follows a page break
    for i, cell in enumerate(cells):
        run = 1
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(cells) and header[j]:
                run, j = run + 1, j + step
        if h.is_title(cell.text) or (header[i] and run >= 3) or _page_number(cells, i):
            skipped = True
            continue
        out.append(dataclasses.replace(cell, follows_break=True) if skipped else cell)
        skipped = False
    return out


def _page_number(cells: list[Text], i: int) -> bool:
    """A bare page number on a line of its own where the text runs one row per line: with
    blank lines around it, or before the page's running title or the header printed again."""
    nxt = cells[i + 1] if i + 1 < len(cells) else None
    if not (serial(cells[i].text) and nxt is not None and i > 0 and line_mode(cells)):
        return False
    if [c for c in cells if c.line == cells[i].line] != [cells[i]]:
        return False
    lines = [c.line for c in (cells[i - 1], cells[i], nxt) if c.line is not None]
    # blank lines on both sides
    apart = len(lines) == 3 and lines[1] - lines[0] >= 2 and lines[2] - lines[1] >= 2
    return apart or h.is_title(nxt.text) or h.key(nxt.text) in _HEADER_CELLS


# A header cell printed again on a new page is a header word exactly (`三级指标`): a name that
# contains one (`实际完成率（11分）`) is a row's first cell, and the number before it a score.
_HEADER_CELLS = frozenset(h.key(s) for words in h.INDICATOR_COLUMNS.values() for s in words)


def _page_number_dropped(total: list[Text]) -> list[Text]:
    """The 合计 row broken by a page end (`合计` · `2` · 续表 · `100 96.95`): in text that
    runs one row per line, a bare number alone on its line between blank lines is the page
    number, not the total."""
    if len(total) < 2 or not serial(total[0].text) or total[0].line is None:
        return total
    alone = total[1].line is not None and total[1].line - total[0].line >= 2
    return total[1:] if alone else total


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


def _emit(pieces: list[Piece], cells: list[Text], table: LocatedTable) -> None:
    levels = _Levels()
    unread: list[Text] = []
    for k, piece in enumerate(pieces):
        if piece.kind == "row" and len(piece.rows) == 1:
            levels.after(_flush(unread, table))
            table.indicators.append(_indicator(piece, cells, levels.level1, levels.level2))
        elif piece.kind == "label":
            label = cells[piece.start]
            rest_of = _cut_label(unread[-1], label) if unread else None
            levels.after(_flush(unread, table))
            if rest_of is not None:  # `服务对象` · page break · `满意度指标`: a label cut
                levels.after(rest_of)
                continue
            nxt = cells[piece.end] if piece.end < len(cells) else None
            levels.label(label, nxt)
        elif piece.kind != "serial":
            before = pieces[k - 1] if k else None
            if not unread and before is not None and before.kind == "label":
                # `产出` · page break · `指标`: the label read was cut, its level unknown
                levels.after(_cut_label(cells[before.start], cells[piece.start]))
            unread.extend(cells[piece.start : piece.end])
    _flush(unread, table)


def _cut_label(before: Text, label: Text) -> Text | None:
    """The label `before` and `label` make together when each is only a part of it
    (`服务对象` | `满意度指标`: 服务对象满意度指标; `产出` | `指标`), else None."""
    whole = h.key(before.text) + h.key(label.text)
    known = h.LEVEL1_LABELS | h.LEVEL2_LABELS
    return Text(whole, label.page, label.line) if whole in known and before.text else None


class _Levels:
    """The level labels carried down to the rows. Cells that could not be read may hide a
    label (a row run together: `效益指标（40分）经济效益指标…`), so after them the levels are
    unknown until a label is read; a level-2 label under a level 1 it never belongs to
    (社会效益指标 under 产出指标) means the level 1 in between was lost."""

    def __init__(self) -> None:
        self.level1: Text | None = None
        self.level2: Text | None = None
        self.lost = False

    def after(self, unread: Text | None) -> None:
        found = _labels_in(unread.text) if unread is not None else []
        # a label read as level 2 right before lost labels may be their level 1 (满意度指标
        # · `服务 | 对象满意度指标`): which, the cut text does not show
        unsure = self.level2 is not None and h.key(self.level2.text) in h.LEVEL1_LABELS
        if any(w in h.LEVEL1_LABELS for w in found) or (found and unsure):
            self.level1, self.level2, self.lost = None, None, True
        elif found:  # only level-2 labels were lost: the level 1 still holds
            self.level2 = None

    def label(self, cell: Text, nxt: Text | None) -> None:
        level = level_of(cell, nxt, self.level1)
        both = h.key(cell.text) in h.LEVEL1_LABELS & h.LEVEL2_LABELS
        if level == 1 and both and self.lost and self.level1 is None:
            self.level2 = None  # 成本指标 after lost cells: level 1 or 2, not known
        elif level == 1:
            self.level1, self.level2, self.lost = cell, None, False
        else:
            self.level2 = cell
            if self.level1 is not None and not belongs(self.level1.text, cell.text):
                self.level1 = None


def _labels_in(text: str) -> list[str]:
    """Level labels inside unread cells, longest first (服务对象满意度指标 is not also
    满意度指标), also where a label was cut over two cells (`满意度指 | 标(10分)`)."""
    k, found = h.key(text.replace(" | ", "")), []
    for word in LEVEL_WORDS:
        if word in k:
            found.append(word)
            k = k.replace(word, "|")
    return found


def _settle(table: LocatedTable, *, scored: bool) -> None:
    """Row kinds as for a grid. In a scored table a row with neither weight nor score that
    is no 其中 part and no group member is not sure to be a row: its cells are reported."""
    settle_kinds(table, table.form_family)
    if not scored:
        return
    # one score per 二级 group is a 湖北 form's habit; in a form with a weight column a row
    # that prints neither is more likely a row whose numbers were lost
    grouped = table.form_family == "no_weight"
    kept: list[RawIndicator] = []
    index: dict[int, int] = {}
    for i, row in enumerate(table.indicators):
        unsure = row.kind == "indicator" or (row.kind == "group_member" and not grouped)
        if unsure and row.weight is None and row.score is None:
            table.unparsed.append(Text(raw_cells(row), row.page, row.line))
        else:
            index[i] = len(kept)
            kept.append(row)
    table.indicators = [relinked(row, index) for row in kept]


def _flush(unread: list[Text], table: LocatedTable) -> Text | None:
    if not unread:
        return None
    found = joined(unread)
    table.unparsed.append(found)
    unread.clear()
    return found


def _indicator(
    piece: Piece, cells: list[Text], level1: Text | None, level2: Text | None
) -> RawIndicator:
    row = cells[piece.start : piece.end]
    found = piece.rows[0]

    def cell(role: str) -> Text | None:
        at = found.get(role)
        return row[at] if at is not None else None

    target = cell("target")
    split = [c for c in (cell("target_op"), cell("target_value"), cell("target_unit")) if c]
    if target is None and split:
        target = joined(split, " ")
    extra: dict[ColumnRole, Text] = {
        _EXTRA[role]: row[at] for role, at in found.cells if role in _EXTRA
    }
    hebei = found.get("full_mark") is not None
    weight, score = cell("weight"), cell("score")
    if hebei and weight is not None:  # 权重占比 is the row's weight: kept by name too
        extra["weight_share"] = weight
    if hebei and score is not None:  # and 折算得分 its score
        extra["score_converted"] = score
    name = row[0]
    return RawIndicator(
        level1=level1,
        level2=level2,
        level3=name,
        target=target,
        actual=cell("actual"),
        weight=weight,
        score=score,
        basis=cell("basis"),
        reason=cell("reason"),
        page=name.page,
        line=name.line,
        where=name.where,
        bbox=name.bbox,
        extra=extra,
        confidence=_PROVEN if piece.proven else _ALIGNED,
        weight_source="share" if hebei else "column",
    )


# Cells kept beside the row's main fields, by their role in the shared model.
_EXTRA: dict[str, ColumnRole] = {
    role: role
    for role in COLUMN_ROLES
    if role not in {"level1", "level2", "level3", "target", "actual", "weight", "score", "seq"}
    and role not in {"basis", "reason"}
}
_ALIGNED = 0.9  # the only alignment of least cost
_PROVEN = 0.8  # one of several, proven by the table's other rows or its weight total


def joined(toks: list[Text], sep: str = " | ") -> Text:
    return Text(sep.join(t.text for t in toks), toks[0].page, toks[0].line, toks[0].where)


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
