"""Read 自评表 that lost their grid: flattened text, pipe rows, one cell per line.

Copied web pages and text exports keep the cells in reading order but not the columns:
merged cells vanish, empty cells vanish, a row may be broken over several lines. Here the
document becomes one stream of cell tokens, and each indicator row is recognised by its
shape instead of its position: optional level labels (a closed vocabulary), a name, a target
(one cell, or three: 指标性质 | 指标值 | 度量单位), the actual, then the weight and the score,
the two numbers that close every scored row. Tokens that fit no shape are not guessed at:
they are kept as `unparsed` with their provenance and become ROW_UNPARSED findings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import regex

from pipeline import headers as h
from pipeline.located import LocatedTable, RawBudget, RawIndicator, Text, segments, set_total
from pipeline.values import parse_number, parse_value, unit_in_label
from schemas import Document, Paragraph, Table

_YEAR = regex.compile(r"((?:19|20)\d{2})\s*年")
_OPERATOR_ONLY = regex.compile(r"^(?:>=|<=|=|>|<|≥|≤|≧|≦|═|＝|＞|＜|＞＝|＜＝)$")
_LABEL_VALUE = regex.compile(r"^(?P<label>[^:：]{2,8})[:：](?P<value>.+)$")
_TRAILING_COLON = regex.compile(r"[:：]$")
_MAX_ROW_TOKENS = 10
_WEIGHT_SUFFIX = regex.compile(r"\d+(?:\.\d+)?分$")
_SECTION = regex.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)\S")
_NATURE_WORDS = ("定性", "定量")  # 指标性质 cells that are not comparators


def tokens(doc: Document) -> list[Text]:
    """Every non-empty cell of every table, and every whitespace-separated word of prose."""
    out: list[Text] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    if cell.text.strip():
                        page = cell.page or block.page_start
                        out.append(Text(" ".join(cell.text.split()), page, cell.line))
        elif isinstance(block, Paragraph):
            out.extend(Text(w, block.page, block.line) for w in block.text.split())
    return out


_GLUED_TITLE = regex.compile(
    r"[\p{Han}()（）\d]{0,40}?(?:绩效目标|绩效|支出)?自评表(?:[(（]\d{4}年度?[)）])?"
)


def locate_stream(doc: Document) -> list[LocatedTable]:
    toks = tokens(doc)
    parts = segments(toks, _starts_table)
    if not parts:  # no title printed: each indicator header starts a table
        parts = [[_untitled(toks, part[0]), *part] for part in segments(toks, _starts_header)]
    found = (_segment(s) for s in parts)
    return [table for table in found if table is not None]


def orphan_rows(doc: Document) -> LocatedTable | None:
    """Indicator rows printed before any table title (a page that starts mid-table, the
    rest of a table from a previous page). Without their header the columns are unknown, so
    they are not read: they come back as one unread table, so that they are not lost."""
    cells = _cells_before_first_title(doc)
    probe = LocatedTable(title=Text("", None, None), kind="project")
    split = any(_OPERATOR_ONLY.match(c.text) for c in cells)
    _rows(cells, _Shape(split_target=split, basis=False, reason=True), probe)
    first = next((r.level3 for r in probe.indicators if _looks_like_indicator(r)), None)
    if first is None:
        return None  # e.g. the 决算 tables' amounts: numbers in rows, but no indicator
    start = next(i for i, c in enumerate(cells) if c is first)
    while start > 0 and _level(cells[start - 1], None, None) is not None:
        start -= 1  # keep the level labels printed before the first row
    title = Text("（无表名、无表头的指标行）", first.page, first.line)
    orphan = LocatedTable(title=title, kind="project")
    orphan.unparsed.append(_joined(cells[start : start + 200]))
    return orphan


def _looks_like_indicator(row: RawIndicator) -> bool:
    """A level label above it, or a target with a comparator (≥90%, = 100 %)."""
    if row.level1 is not None or row.level2 is not None:
        return True
    return row.target is not None and parse_value(row.target.text).op is not None


def _cells_before_first_title(doc: Document) -> list[Text]:
    """Table cells (not prose) that come before the first table title."""
    cells: list[Text] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if any(_starts_table(Text(w, None, None)) for w in block.text.split()):
                return cells
            continue
        for cell in (c for row in block.rows for c in row if c.text.strip()):
            text = Text(" ".join(cell.text.split()), cell.page or block.page_start, cell.line)
            if _starts_table(text):
                return cells
            cells.append(text)
    return cells


def _starts_header(tok: Text) -> bool:
    return h.key(tok.text) == "一级指标"


def _untitled(toks: list[Text], first: Text) -> Text:
    """The sentence that introduces a table printed without a title (…如下表：)."""
    at = toks.index(first)
    intro = toks[at - 1] if at > 0 else None
    text = intro.text[-60:] if intro is not None else "（无表名）"
    return Text(text, first.page, intro.line if intro is not None else first.line)


def _starts_table(tok: Text) -> bool:
    return h.is_title(tok.text) or _glued(tok.text)


def _glued(text: str) -> bool:
    """A title run together with its table (OCR, text without separators): not readable."""
    glued_form = any(word in text for word in ("三级指标", "项目名称", "年度资金总额", "主管部门"))
    return len(text) > 40 and glued_form and _GLUED_TITLE.match(text) is not None


def _glued_table(tok: Text) -> LocatedTable:
    title = _GLUED_TITLE.search(tok.text)
    name = title.group(0) if title else "自评表"
    table = LocatedTable(title=Text(name, tok.page, tok.line), kind=h.table_kind(name))
    found = _YEAR.search(name)
    table.year = int(found.group(1)) if found else None
    table.unparsed.append(Text(tok.text[:2000], tok.page, tok.line))
    return table


def _segment(toks: list[Text]) -> LocatedTable | None:
    title = toks[0]
    if _glued(title.text):
        return _glued_table(title)
    table = LocatedTable(title=title, kind=h.table_kind(title.text))
    found = _YEAR.search("".join(t.text for t in toks[:4]))
    table.year = int(found.group(1)) if found else None
    header = _indicator_header(toks)
    head_end = header[0] if header else len(toks)
    _fields(toks[1:head_end], table)
    _budget(toks[1:head_end], table)
    _goals(toks[1:head_end], table)
    if header is not None:
        _rows(toks[header[1] :], header[2], table)
        if not table.indicators and not table.unparsed:
            table.unparsed.append(_joined(toks[header[1] : header[1] + 12]))
    if table.budget is None and not table.indicators and not table.unparsed:
        return None
    return table


def _fields(toks: list[Text], table: LocatedTable) -> None:
    for i, tok in enumerate(toks):
        name = h.field_of_label(_TRAILING_COLON.sub("", tok.text))
        inline = _LABEL_VALUE.match(tok.text)
        if name is None and inline and h.field_of_label(inline["label"]):
            name = h.field_of_label(inline["label"])
            value: Text | None = Text(inline["value"].strip(), tok.page, tok.line)
        else:
            value = toks[i + 1] if i + 1 < len(toks) else None
        if name is None or name in table.fields or value is None:
            continue
        if _not_a_name(value.text) and value.text != tok.text:
            continue  # the next cell is a label or a number: this field was left empty
        table.fields[name] = value


def _not_a_name(text: str) -> bool:
    return h.is_structure(text) or parse_value(text).is_number or h.key(text).startswith("其中")


def _budget(toks: list[Text], table: LocatedTable) -> None:
    start = next((i for i, t in enumerate(toks) if _budget_column(t)), None)
    if start is None:
        return
    columns: list[str] = []
    i = start
    while i < len(toks) and (col := _budget_column(toks[i])) is not None:
        columns.append(col)
        i += 1
    if len({"initial", "full_year", "executed"} & set(columns)) < 2:
        return
    table.budget_unit = next(
        (u for t in toks[max(0, start - 3) : start] if (u := unit_in_label(t.text))), None
    )
    header_weight = h.budget_weight_in_header([t.text for t in toks[start:i]])
    skipped = 0  # header cells the vocabulary does not know (原因 …) before the first row
    offset = 0
    while i < len(toks):
        label = toks[i]
        values: list[Text] = []
        j = i + 1
        while j < len(toks) and _is_budget_value(toks[j].text):
            values.append(toks[j])
            j += 1
        if _is_budget_value(label.text) or h.is_label(label.text, (h.GOAL_LABEL,)):
            break
        if values:
            if table.budget is None:
                offset = _budget_offset(values, columns)
                table.budget = _budget_row(label, values, columns, offset)
                if header_weight and not table.budget.weight:
                    table.budget = dataclasses.replace(table.budget, weight=header_weight)
            else:  # 其中 rows lost the same merged cell as the total row above them
                table.budget_parts.append(_budget_row(label, values, columns, offset))
        elif table.budget is None and skipped < 2:
            skipped += 1  # e.g. 原因, or the unit printed after the header: (万元)
            table.budget_unit = table.budget_unit or unit_in_label(label.text)
        elif table.budget is None or not _budget_part_label(label.text):
            break
        i = j


def _budget_part_label(text: str) -> bool:
    """A 其中 row left blank (上年结转资金, 其他资金 …): the block goes on after it."""
    k = h.key(text)
    return k.startswith("其中") or k.endswith("资金") or k.endswith("资金(万元)")


def _budget_column(tok: Text) -> str | None:
    return h.match_column(tok.text, h.BUDGET_COLUMNS) if h.key(tok.text) else None


def _is_budget_value(text: str) -> bool:
    value = parse_value(text)
    return value.status == "empty" or (value.is_number and value.op is None)


def _budget_offset(values: list[Text], columns: list[str]) -> int:
    """Cells lost before the first value: a short row is aligned on its % cell."""
    rate_at = next((k for k, v in enumerate(values) if v.text.endswith("%")), None)
    if len(values) < len(columns) and rate_at is not None and "rate" in columns:
        return max(0, columns.index("rate") - rate_at)
    return 0


def _budget_row(label: Text, values: list[Text], columns: list[str], offset: int) -> RawBudget:
    """Values fill the columns from `offset` on."""
    cells = {columns[k + offset]: v.text for k, v in enumerate(values) if k + offset < len(columns)}
    return RawBudget(
        label=_TRAILING_COLON.sub("", label.text),
        initial=cells.get("initial", ""),
        full_year=cells.get("full_year", ""),
        executed=cells.get("executed", ""),
        weight=cells.get("weight", ""),
        rate=cells.get("rate", ""),
        score=cells.get("score", ""),
        page=label.page,
        line=label.line,
    )


def _goals(toks: list[Text], table: LocatedTable) -> None:
    at = next((i for i, t in enumerate(toks) if h.is_label(t.text, (h.GOAL_LABEL,))), None)
    if at is None:
        return
    rest = toks[at + 1 :]
    while rest and (h.is_label(rest[0].text, h.GOAL_EXPECTED + h.GOAL_ACTUAL)):
        rest = rest[1:]
    texts = [t.text for t in rest[:2] if h.match_column(t.text, h.INDICATOR_COLUMNS) is None]
    table.goal_expected = texts[0] if texts else None
    table.goal_actual = texts[1] if len(texts) > 1 else None


@dataclass(frozen=True, slots=True)
class _Shape:
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


def _indicator_header(toks: list[Text]) -> tuple[int, int, _Shape] | None:
    """(first header token, first token after the header, row shape)."""
    at = next(
        (i for i, t in enumerate(toks) if h.match_column(t.text, h.INDICATOR_COLUMNS) == "level3"),
        None,
    )
    if at is None:
        return None
    start = at
    while start > 0 and _header_word(toks[start - 1].text):
        start -= 1
    end = at
    while end < len(toks) and _header_word(toks[end].text):
        end += 1
    words = [h.key(t.text) for t in toks[start:end]]
    fields = {h.match_column(t.text, h.INDICATOR_COLUMNS) for t in toks[start:end]}
    shape = _Shape(
        split_target="指标性质" in words or "度量单位" in words,
        basis="basis" in fields,
        reason="reason" in fields,
        serial="序号" in words,
        # unscored only when no weight or score header is printed anywhere in the table:
        # scrambled text can split a header and leave 分值 / 得分 far from 三级指标
        scored=bool({"weight", "score"} & fields) or any(_scoring_header(t) for t in toks[end:]),
        valued={"target", "actual"} <= fields,
    )
    return start, end, shape


def _scoring_header(tok: Text) -> bool:
    return h.match_column(tok.text, h.INDICATOR_COLUMNS) in {"weight", "score"}


def _header_word(text: str) -> bool:
    k = h.key(text)
    return h.match_column(text, h.INDICATOR_COLUMNS) is not None or k in {
        "绩效指标",
        "指标性质",
        "度量单位",
        "年度绩效指标完成情况",
        "序号",
    }


def _rows(toks: list[Text], shape: _Shape, table: LocatedTable) -> None:
    reader = _RowReader(toks, shape, table)
    for i, tok in enumerate(toks):
        if not reader.feed(i, tok):
            break
    reader.flush()


@dataclass
class _RowReader:
    """Walks the cells after the indicator header, one row shape at a time."""

    toks: list[Text]
    shape: _Shape
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
        label = _level(tok, self._at(i + 1), self.level1)
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
        return self.shape.serial and not self.buffer and _plain_number(tok)

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


def _level(tok: Text, nxt: Text | None, level1: Text | None) -> int | None:
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
    if len(buffer) < 4 or not (_plain_number(buffer[-1]) and _plain_number(buffer[-2])):
        return False
    if nxt is None or not _plain_number(nxt):
        return True
    return after is not None and not _plain_number(after)


def _closes_unscored(buffer: list[Text], nxt: Text | None) -> bool:
    """四川-style forms left unfilled: name | 指标性质 | 指标值 | [度量单位] | 权重, nothing after.

    Only when the comparator has its own cell is this shape unambiguous: the number after
    it is the target, the last number the weight; actual and score were left blank.
    """
    if nxt is not None and (_plain_number(nxt) or parse_value(nxt.text).is_number):
        return False
    if len(buffer) not in (4, 5) or not _plain_number(buffer[-1]):
        return False
    nature = buffer[1].text.strip()
    return bool(_OPERATOR_ONLY.match(nature) or nature in _NATURE_WORDS) and not (
        len(buffer) == 4 and _OPERATOR_ONLY.match(nature)  # an operator needs its value and unit
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
            target=_joined(target, " "),
            actual=None,
            weight=weight,
            score=None,
            basis=None,
            reason=None,
            page=name.page,
            line=name.line,
        )
    )


def _plain_number(tok: Text) -> bool:
    value = parse_value(tok.text)
    return value.is_number and value.op is None and value.unit in (None, "分")


def _emit(
    buffer: list[Text], shape: _Shape, level1: Text | None, level2: Text | None, table: LocatedTable
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
        shape = _Shape(shape.split_target, basis=False, reason=shape.reason)
    if extra > 0 and shape.reason and table.indicators:
        _add_reason(table, middle[:extra])
        middle = middle[extra:]
    elif extra != 0:
        table.unparsed.append(_joined(buffer))
        return
    name, rest = middle[0], middle[1:]
    if not shape.scored and (_plain_number(name) or h.is_structure(name.text)):
        table.unparsed.append(_joined(buffer))  # a header or a number is no indicator name
        return
    target = _joined(rest[:target_width], " ")
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
        )
    )


def _split_target_at(middle: list[Text]) -> bool:
    return len(middle) >= 4 and bool(_OPERATOR_ONLY.match(middle[1].text.strip()))


def _add_reason(table: LocatedTable, toks: list[Text]) -> None:
    last = table.indicators[-1]
    reason = _joined(toks, " ")
    text = reason.text if last.reason is None else f"{last.reason.text} {reason.text}"
    table.indicators[-1] = dataclasses.replace(last, reason=Text(text, reason.page, reason.line))


def _flush(buffer: list[Text], may_be_reason: bool, table: LocatedTable) -> None:
    """Tokens left over when a label or the end arrives: a reason, or unreadable."""
    if not buffer:
        return
    if may_be_reason and table.indicators and len(buffer) == 1:
        _add_reason(table, buffer)
    else:
        table.unparsed.append(_joined(buffer))
    buffer.clear()


def _joined(toks: list[Text], sep: str = " | ") -> Text:
    return Text(sep.join(t.text for t in toks), toks[0].page, toks[0].line)


_GRADE = regex.compile(r"^(优秀|良好|优|良|中|差|合格|不合格)$")


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
