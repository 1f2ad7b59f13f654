"""The rows of a 自评表 read from a stream of cells, by shape rather than position.

After the indicator header, each row is: optional level labels (a closed vocabulary), a
name, a target in one cell or three (指标性质 | 指标值 | 度量单位), the actual, then the
weight and score, the two numbers that close every scored row. A reason may follow its
row. Cells that fit no row shape are kept in `LocatedTable.unparsed`, never guessed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import regex

from pipeline import lexicon
from pipeline.extract import headers as h
from pipeline.extract.located import LocatedTable, RawIndicator, Text, set_total
from pipeline.extract.values import parse_number, parse_value

OPERATOR_ONLY = regex.compile(r"^(?:>=|<=|=|>|<|≥|≤|≧|≦|═|＝|＞|＜|＞＝|＜＝)$")
_MAX_ROW_TOKENS = 10
_WEIGHT_SUFFIX = regex.compile(r"\d+(?:\.\d+)?分$")
_SECTION = regex.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)\S")
_NATURE_WORDS = ("定性", "定量")  # 指标性质 cells that are not comparators


@dataclass(frozen=True, slots=True)
class RowShape:
    """What an indicator row holds between its name and its weight, from the header."""

    split_target: bool  # 指标性质 | 指标值 | 度量单位 in three cells
    basis: bool
    reason: bool
    serial: bool = False  # a 序号 column: each row starts with its number
    scored: bool = True  # weight and score columns close each row; without them, the actual
    valued: bool = True  # target and actual columns in the header (required when unscored)

    @property
    def width(self) -> int:
        """Cells from name to actual when nothing is split or missing."""
        return 1 + (3 if self.split_target else 1) + (1 if self.basis else 0) + 1


def read_rows(toks: list[Text], shape: RowShape, table: LocatedTable) -> None:
    reader = _RowReader(toks, shape, table)
    for i, tok in enumerate(toks):
        if not reader.feed(i, tok):
            break
    reader.flush()


@dataclass
class _RowReader:
    """Walks the cells after the indicator header, one row shape at a time."""

    toks: list[Text]
    shape: RowShape
    table: LocatedTable
    level1: Text | None = None
    level2: Text | None = None
    buffer: list[Text] = field(default_factory=list)
    after_row: bool = False  # a reason can only follow its row, never a level label
    rows_over: bool = False  # past 其他需要说明事项 …: only the total may still come

    def feed(self, i: int, tok: Text) -> bool:
        """Take one cell; False when the table is over."""
        if h.is_label(tok.text, h.TOTAL_LABELS):
            _total(self.toks[i + 1 :], self.table)
            return False
        if not self.buffer and _SECTION.match(tok.text):
            return False  # the report's next section: (三)存在的问题…, 四、…
        if self.rows_over or h.is_label(tok.text, h.AFTER_ROWS_LABELS):
            if not self.rows_over:
                self.flush()
            self.rows_over = True
            return True
        label = level_of(tok, self._at(i + 1), self.level1)
        if label is not None:
            self.flush()
            self.after_row = False
            self.level1, self.level2 = (tok, None) if label == 1 else (self.level1, tok)
        elif not (h.is_placeholder(tok.text) or self._serial(tok)):
            self._cell(i, tok)  # placeholders (指标2:, ……) and 序号 are skipped
        return True

    def _at(self, i: int) -> Text | None:
        return self.toks[i] if i < len(self.toks) else None

    def _serial(self, tok: Text) -> bool:
        return self.shape.serial and not self.buffer and plain_number(tok)

    def _cell(self, i: int, tok: Text) -> None:
        self.buffer.append(tok)
        nxt = self._at(i + 1)
        if self.shape.scored:
            closes = _closes_row(self.buffer, nxt, self._at(i + 2) if self.shape.serial else None)
        else:  # no weight/score to close a row: only a header naming target and actual will do
            closes = self.shape.valued and len(self.buffer) == self.shape.width
        if closes:
            _emit(self.buffer, self.shape, self.level1, self.level2, self.table)
        elif self.shape.split_target and _closes_unscored(self.buffer, nxt):
            _emit_unscored(self.buffer, self.level1, self.level2, self.table)
        elif len(self.buffer) > _MAX_ROW_TOKENS:
            _flush(self.buffer[:1], False, self.table)
            del self.buffer[:1]
            return
        else:
            return
        self.buffer, self.after_row = [], True

    def flush(self) -> None:
        _flush(self.buffer, self.shape.reason and self.after_row, self.table)


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


def _closes_row(buffer: list[Text], nxt: Text | None, after: Text | None = None) -> bool:
    """Two numbers (weight, score) end the row unless a third number follows them; with a
    序号 column (`after` given) a lone third number is the next row's 序号."""
    if len(buffer) < 4 or not (plain_number(buffer[-1]) and plain_number(buffer[-2])):
        return False
    if nxt is None or not plain_number(nxt):
        return True
    return after is not None and not plain_number(after)


def _closes_unscored(buffer: list[Text], nxt: Text | None) -> bool:
    """四川-style forms left unfilled: name | 指标性质 | 指标值 | [度量单位] | 权重, nothing after.

    Only when the comparator has its own cell is this shape unambiguous: the number after
    it is the target, the last number the weight; actual and score were left blank.
    """
    if nxt is not None and (plain_number(nxt) or parse_value(nxt.text).is_number):
        return False
    if len(buffer) not in (4, 5) or not plain_number(buffer[-1]):
        return False
    nature = buffer[1].text.strip()
    return bool(OPERATOR_ONLY.match(nature) or nature in _NATURE_WORDS) and not (
        len(buffer) == 4 and OPERATOR_ONLY.match(nature)  # an operator needs its value and unit
    )


def _emit_unscored(
    buffer: list[Text], level1: Text | None, level2: Text | None, table: LocatedTable
) -> None:
    name, *target, weight = buffer
    table.indicators.append(
        RawIndicator(
            level1=level1,
            level2=level2,
            level3=name,
            target=joined(target, " "),
            actual=None,
            weight=weight,
            score=None,
            basis=None,
            reason=None,
            page=name.page,
            line=name.line,
            where=name.where,
            bbox=name.bbox,
        )
    )


def plain_number(tok: Text) -> bool:
    value = parse_value(tok.text)
    return value.is_number and value.op is None and value.unit in (None, "分")


def _emit(
    buffer: list[Text],
    shape: RowShape,
    level1: Text | None,
    level2: Text | None,
    table: LocatedTable,
) -> None:
    weight: Text | None = None
    score: Text | None = None
    if shape.scored:
        *middle, weight, score = buffer
    else:
        middle = list(buffer)
    target_width = 3 if shape.split_target and _split_target_at(middle) else 1
    width = 1 + target_width + (1 if shape.basis else 0) + 1
    extra = len(middle) - width
    if extra < 0 and shape.basis:
        width, extra = width - 1, extra + 1  # the basis cell was empty and vanished
        shape = RowShape(shape.split_target, basis=False, reason=shape.reason)
    if extra > 0 and shape.reason and table.indicators:
        _add_reason(table, middle[:extra])
        middle = middle[extra:]
    elif extra != 0:
        table.unparsed.append(joined(buffer))
        return
    name, rest = middle[0], middle[1:]
    if not shape.scored and (plain_number(name) or h.is_structure(name.text)):
        table.unparsed.append(joined(buffer))  # a header or a number is no indicator name
        return
    target = joined(rest[:target_width], " ")
    rest = rest[target_width:]
    basis = rest.pop(0) if shape.basis else None
    table.indicators.append(
        RawIndicator(
            level1=level1,
            level2=level2,
            level3=name,
            target=target,
            actual=rest[0],
            weight=weight,
            score=score,
            basis=basis,
            reason=None,
            page=name.page,
            line=name.line,
            where=name.where,
            bbox=name.bbox,
        )
    )


def _split_target_at(middle: list[Text]) -> bool:
    return len(middle) >= 4 and bool(OPERATOR_ONLY.match(middle[1].text.strip()))


def _add_reason(table: LocatedTable, toks: list[Text]) -> None:
    last = table.indicators[-1]
    reason = joined(toks, " ")
    text = reason.text if last.reason is None else f"{last.reason.text} {reason.text}"
    table.indicators[-1] = dataclasses.replace(last, reason=Text(text, reason.page, reason.line))


def _flush(buffer: list[Text], may_be_reason: bool, table: LocatedTable) -> None:
    """Tokens left over when a label or the end arrives: a reason, or unreadable."""
    if not buffer:
        return
    if may_be_reason and table.indicators and len(buffer) == 1:
        _add_reason(table, buffer)
    else:
        table.unparsed.append(joined(buffer))
    buffer.clear()


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
