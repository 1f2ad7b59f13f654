"""Read 自评表 that lost their grid: flattened text, pipe rows, one cell per line.

Copied web pages and text exports keep the cells in reading order but not the columns:
merged cells vanish, empty cells vanish, a row may be broken over several lines. Here the
document becomes one stream of cell tokens, cut into tables at their titles (or, with no
title printed, at their indicator headers); the header fields, budget block and 年度总体目标
are found by vocabulary, and the indicator rows are read by shape (`pipeline.extract.stream_rows`).
Tokens that fit no shape become ROW_UNPARSED / TABLE_UNPARSED findings, never guessed rows.
"""

from __future__ import annotations

import dataclasses

import regex

from pipeline.extract import headers as h
from pipeline.extract.located import (
    PAGE_MARK,
    LocatedTable,
    RawBudget,
    RawIndicator,
    Text,
    continues_table,
    segments,
)
from pipeline.extract.normalize import merge_words
from pipeline.extract.stream_blocks import read_blocks
from pipeline.extract.stream_header import column_roles, form_family, header_role, is_header_word
from pipeline.extract.stream_rows import OPERATOR_ONLY, _rows_end, joined, level_of, read_rows
from pipeline.extract.stream_rubric import read_rubric
from pipeline.extract.unglue import unglue
from pipeline.extract.unscramble import labels_first
from pipeline.extract.values import parse_value, unit_in_label
from schemas import Document, Paragraph, Table

_YEAR = regex.compile(r"((?:19|20)\d{2})\s*年")
_LABEL_VALUE = regex.compile(r"^(?P<label>[^:：]{2,8})[:：](?P<value>.+)$")
_TRAILING_COLON = regex.compile(r"[:：]$")


def tokens(doc: Document) -> list[Text]:
    """Every non-empty cell of every table, and every whitespace-separated word of prose
    (spaced labels `产 出 指 标` rejoined)."""
    out: list[Text] = []
    skipped = False  # a page mark was skipped: the next word follows a page break
    for block in doc.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    if cell.text.strip():
                        page = cell.page or block.page_start
                        text = " ".join(cell.text.split())
                        where = (page, cell.line, cell.where, cell.bbox)
                        out.append(Text(text, *where, follows_break=skipped))
                        skipped = False
        elif isinstance(block, Paragraph) and PAGE_MARK.match(block.text):
            skipped = True
        elif isinstance(block, Paragraph):
            words = merge_words(block.text.split())
            out.extend(
                Text(w, block.page, block.line, block.where, follows_break=skipped and k == 0)
                for k, w in enumerate(words)
            )
            skipped = skipped and not words
    return unglue(out)


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
    split = any(OPERATOR_ONLY.match(c.text) for c in cells)
    target = ("target_op", "target_value", "target_unit") if split else ("target",)
    first = None
    # a filled row, or a row of a form published unfilled (target and weight only)
    shapes = [("level3", *target, "actual", "weight", "score", "reason")]
    if split:
        shapes.append(("level3", *target, "weight"))
    for roles in shapes:
        probe = LocatedTable(title=Text("", None, None), kind="project")
        read_rows(cells, roles, probe)
        first = first or next(
            (r.level3 for r in probe.indicators if _looks_like_indicator(r)), None
        )
    if first is None:
        return None  # e.g. the 决算 tables' amounts: numbers in rows, but no indicator
    start = next(i for i, c in enumerate(cells) if c is first)
    while start > 0 and level_of(cells[start - 1], None, None) is not None:
        start -= 1  # keep the level labels printed before the first row
    title = Text("（无表名、无表头的指标行）", first.page, first.line, first.where)
    orphan = LocatedTable(title=title, kind="project")
    orphan.unparsed.append(joined(cells[start : start + 200]))
    return orphan


def _looks_like_indicator(row: RawIndicator) -> bool:
    """A scored row (weight or score) with a level label above it, or with a target with a
    comparator (≥90%, = 100 %)."""
    if row.weight is None and row.score is None:
        return False  # without its header, a row of texts is as likely prose or a list
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
            page = cell.page or block.page_start
            text = Text(" ".join(cell.text.split()), page, cell.line, cell.where, cell.bbox)
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
    """A table title; `绩效自评表（续）` after a page break continues the table above."""
    return (h.is_title(tok.text) and not continues_table(tok.text)) or _glued(tok.text)


def _glued(text: str) -> bool:
    """A title run together with its table (OCR, text without separators): not readable."""
    glued_form = any(word in text for word in ("三级指标", "项目名称", "年度资金总额", "主管部门"))
    return len(text) > 40 and glued_form and _GLUED_TITLE.match(text) is not None


def _glued_table(tok: Text) -> LocatedTable:
    title = _GLUED_TITLE.search(tok.text)
    name = title.group(0) if title else "自评表"
    heading = Text(name, tok.page, tok.line, tok.where)
    table = LocatedTable(title=heading, kind=h.table_kind(name))
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
    _budget(labels_first(toks[1:head_end]), table)
    _goals(toks[1:head_end], table)
    table.read_by = "text"
    table.lookalikes = any(t.printed for t in toks)
    if header is not None:
        table.form_family = form_family(header[2])
        end, total = _rows_end(toks[header[1] :])
        region = toks[_region_start(toks, header[0]) : header[1] + end]
        label = (toks[header[1] + end], total) if total is not None else None
        if read_blocks(region, label, table):
            pass  # several rows' values before their labels: mapped where certain, or reported
        elif table.form_family == "rubric":  # no target: rows of labels, rules and scores
            read_rubric(toks[header[0] : header[1]], toks[header[1] :], table)
        else:
            read_rows(toks[header[1] :], header[2], table)
        if not table.indicators and not table.unparsed:
            table.unparsed.append(joined(toks[header[1] : header[1] + 12]))
    elif (split := _split_header(toks)) is not None:  # `三级 | 指标`: a header cell wrapped
        end, total = _rows_end(toks[split:])
        label = (toks[split + end], total) if total is not None else None
        read_blocks(toks[_region_start(toks, split) : split + end], label, table)
    if table.budget is None and not table.indicators and not table.unparsed:
        return None
    return table


def _split_header(toks: list[Text]) -> int | None:
    """Where 三级指标 is printed in two cells (a header cell wrapped in a PDF text layer)."""
    for k in range(len(toks) - 1):
        pair = h.key(toks[k].text) + h.key(toks[k + 1].text)
        if header_role(pair) == "level3" and header_role(toks[k].text) is None:
            return k
    return None


def _region_start(toks: list[Text], at: int) -> int:
    """The indicator header's first word: out of order, a row's label can split it
    (`一级指标 二级指标 数量指标 三级指标`)."""
    start = at
    for k in range(max(0, at - 4), at):
        if header_role(toks[k].text) in ("level1", "level2", "block"):
            return k
    return start


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


def _indicator_header(toks: list[Text]) -> tuple[int, int, tuple[str, ...]] | None:
    """(first header token, first token after the header, column roles in printed order)."""
    at = next((i for i, t in enumerate(toks) if header_role(t.text) == "level3"), None)
    if at is None:
        return None
    start = at
    while start > 0 and is_header_word(toks[start - 1].text):
        start -= 1
    end = at
    while end < len(toks) and is_header_word(toks[end].text):
        end += 1
    roles = column_roles([t.text for t in toks[start:end]])
    if end < len(toks) and _glued_header(toks[end].text):
        roles = ()  # a header line run together (OCR): which column is which is not known
    if not {"weight", "score"} & set(roles) and any(_scoring_header(t) for t in toks[end:]):
        # scrambled text can split a header and leave 分值 / 得分 far from 三级指标: the
        # columns are not known, so the rows are not read
        roles = ()
    return start, end, roles


_HEADER_WORDS = sorted(
    {h.key(s) for synonyms in h.INDICATOR_COLUMNS.values() for s in synonyms if len(h.key(s)) >= 3},
    key=len,
    reverse=True,
)


def _glued_header(text: str) -> bool:
    """`符号值单位单项指标得分权重占比(%)单项指标折算得分`: two or more headers in one cell,
    or one with an OCR look-alike in it."""
    k = h.key(text)
    found = 0
    for word in _HEADER_WORDS:
        if word in k:
            found += 1
            k = k.replace(word, "|")
    return found >= 2 or (found == 1 and "$" in text)  # `权重占比($)`: a header OCR'd


def _scoring_header(tok: Text) -> bool:
    return h.match_column(tok.text, h.INDICATOR_COLUMNS) in {"weight", "score"}
