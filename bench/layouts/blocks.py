"""PDF text whose extraction order is scrambled across rows, as real PDF text layers print it.

A PDF text layer keeps each column's text top to bottom but not the rows: a run of several
rows' value cells (target, actual, weight, score, a reason) comes out first, then those rows'
labels (level 1, level 2, the name), one block after another, the whole table as one stream.
On the way, a wrapped cell's lines come apart (`资金是否全部纳入医 保统筹`), the first line of
a block's first name may be printed before the values and the rest after them, the header's
value columns may land after the first row's labels or inside its values, and the 总分 row's
numbers end the last block of values while its label ends the labels.

Which rows form a block, where the cuts fall, and how the labels of a block are ordered (row by
row, or the level labels first and then the names) are drawn at random, so a reader is proven
on variation, not on one excerpt.
"""

from __future__ import annotations

import random
import unicodedata

from bench.layouts.model import Cell, Form

_LEVEL_HEADERS = ("一级指标", "二级指标", "三级指标", "绩效指标")


def block_scrambled(form: Form, rng: random.Random) -> str:
    """The whole form as one stream (or a few arbitrary lines): the rows above the indicator
    header in order, then the header and the indicator rows scrambled block by block."""
    rows = form.grid_rows()
    first = form.first_indicator_row
    header_at = _header_start(rows, first)
    words = [w for row in rows[:header_at] for c in row for w in _printed(c)]
    name_col = _name_column(rows, form)
    header = [c for row in rows[header_at:first] for c in row]
    label_head = [w for c in header if c.col <= name_col for w in _printed(c)]
    value_head = [w for c in header if c.col > name_col for w in _printed(c)]
    widths = {col: rng.randint(4, 10) for col in range(name_col + 1)}  # label columns' widths
    body = [_rewrapped(row, name_col, widths) for row in rows[first : first + len(form.rows)]]
    total = rows[first + len(form.rows)] if len(rows) > first + len(form.rows) else []
    words += _indicator_stream(rng, body, total, name_col, label_head, value_head)
    return "\n".join([*form.titles, *_lines(rng, words)]) + "\n"


def _indicator_stream(
    rng: random.Random,
    body: list[list[Cell]],
    total: list[Cell],
    name_col: int,
    label_head: list[str],
    value_head: list[str],
) -> list[str]:
    out = list(label_head)
    head_placed = rng.random() < 0.4
    if head_placed:
        out += value_head
    k = 0
    while k < len(body):
        size = min(rng.choice((1, 2, 2, 3, 3, 4, 5)), len(body) - k)
        block = body[k : k + size]
        labels = [[c for c in row if c.col <= name_col and c.text] for row in block]
        values = [w for row in block for c in row if c.col > name_col for w in _printed(c)]
        if k + size == len(body):  # the 总分 row's numbers close the last block of values
            values += [w for c in total if c.col > 0 and _number_like(c.text) for w in _printed(c)]
        if size == 1 and rng.random() < 0.4:  # a row printed in order
            out += [w for c in labels[0] for w in _printed(c)]
            if not head_placed:
                out += value_head
                head_placed = True
            out += values
        else:
            lead, rest = _label_words(rng, labels)
            out += lead
            if not head_placed:
                at = rng.randint(0, min(2, len(values)))  # header words may cut the values
                values = values[:at] + value_head + values[at:]
                head_placed = True
            out += values + rest
        k += size
    out += [w for c in total if not _number_like(c.text) for w in _printed(c)]
    return out


def _label_words(rng: random.Random, labels: list[list[Cell]]) -> tuple[list[str], list[str]]:
    """A block's label words, split into those printed before its values (the first line of
    its first name, sometimes) and after them (the rest, row by row or levels first)."""
    names = [row[-1] for row in labels if row]
    levels = [row[:-1] for row in labels if row]
    if rng.random() < 0.5:  # row by row
        rest = [w for row in labels for c in row for w in _printed(c)]
    else:  # the level column's text first, then the names' column
        rest = [w for row in levels for c in row for w in _printed(c)]
        rest += [w for c in names for w in _printed(c)]
    lead: list[str] = []
    first_name = names[0].text.split("\n") if names else []
    if len(first_name) > 1 and rng.random() < 0.6:  # its first line before the values
        lead = [first_name[0]]
        rest.remove(first_name[0])
    return lead, rest


def _rewrapped(row: list[Cell], name_col: int, widths: dict[int, int]) -> list[Cell]:
    """The row's label cells wrapped the way a PDF wraps them: at their column's width, every
    line but the last full (`服务对象满 | 意度指标`)."""
    out = []
    for cell in row:
        if cell.col > name_col or not cell.text:
            out.append(cell)
            continue
        lines = _wrapped(cell.text.replace("\n", ""), widths[cell.col])
        out.append(Cell("\n".join(lines), cell.row, cell.col, cell.rowspan, cell.colspan))
    return out


def _wrapped(text: str, width: int) -> list[str]:
    """Lines of at most `width` (a CJK character is 1 wide, any other 0.5)."""
    lines, line, used = [], "", 0.0
    for ch in text:
        size = 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5
        if used + size > width:
            lines.append(line)
            line, used = "", 0.0
        line, used = line + ch, used + size
    return [*lines, line]


def _printed(cell: Cell) -> list[str]:
    """A cell's words as a text layer gives them: a wrapped cell's lines apart."""
    return [line for line in cell.text.split("\n") if line.strip()]


def _number_like(text: str) -> bool:
    bare = text.strip().rstrip("%分")
    return bool(bare) and bare.replace(".", "", 1).isdigit()


def _header_start(rows: list[list[Cell]], first: int) -> int:
    """The first row of the indicator header (one or two rows above the first indicator)."""
    for r in range(first - 1, -1, -1):
        if any(c.text.replace("\n", "") in _LEVEL_HEADERS for c in rows[r]):
            return r
    return first - 1


def _name_column(rows: list[list[Cell]], form: Form) -> int:
    """The column of the indicator names: the cell that prints the first row's name."""
    name = form.rows[0].level3.replace("\n", "")
    row = rows[form.first_indicator_row]
    return next((c.col for c in row if c.text.replace("\n", "") == name), 0)


def _lines(rng: random.Random, words: list[str]) -> list[str]:
    """One stream on one line, or broken into lines wherever the page's text runs out."""
    if rng.random() < 0.7:
        return [" ".join(words)]
    out, k = [], 0
    while k < len(words):
        n = rng.randint(5, 15)
        out.append(" ".join(words[k : k + n]))
        k += n
    return out


BLOCKS = {"block_scrambled": block_scrambled}
