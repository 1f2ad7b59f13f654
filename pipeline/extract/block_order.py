"""Whether a table's text runs in row order, told from its indicator region's cells.

A PDF text layer keeps each column top to bottom but not the rows: several rows' value cells
can come before those rows' labels. The region (header on, up to the 总分 label) is sorted out
into header words, level labels (a label wrapped in its cell joined back), and the rest in
printed order; `out_of_order` then says whether the rows cannot be in order: two rows' values
side by side, the 总分 row's numbers before its label, or more values before any name than one
row holds. Text whose every line is one row printed numbers first is left to `unscramble`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from pipeline.extract import headers as h
from pipeline.extract.align import kind_of
from pipeline.extract.located import PAGE_MARK, Text
from pipeline.extract.stream_cut import level_of, line_mode
from pipeline.extract.stream_header import column_roles, header_role, is_header_word
from pipeline.extract.value_groups import VALUE_ROLES, numeric, only_parse
from pipeline.extract.values import parse_number

# a header cell's two halves make exactly one of these (not a label run into a header word)
_HEADER_CELLS = frozenset(h.key(s) for words in h.INDICATOR_COLUMNS.values() for s in words)


@dataclass
class BlockStream:
    """The region's cells sorted out: header words dropped, level labels apart, and the rest
    (names, their wrapped parts, values) in printed order."""

    roles: tuple[str, ...]
    levels: list[Text]
    cells: list[Text]
    before: dict[int, Text]  # each cell's neighbour as printed (`/` placeholders kept)
    total_label: bool
    numbers_after_total: bool  # or before the label on its own line (`100 94 总分`)


def sorted_out(region: list[Text], total: tuple[Text, list[Text]] | None) -> BlockStream:
    printed = [c for c in region if not PAGE_MARK.match(c.text)]
    before = {id(c): printed[i - 1] for i, c in enumerate(printed) if i}
    body = [c for c in printed if not h.is_placeholder(c.text)]
    numbers = [i for i, c in enumerate(body) if numeric(c)]
    # the header is printed before the values, its value columns at most inside the first
    # row's values: further on, a word like a header (实际完成率（11分）) is a row's label
    zone = numbers[2] if len(numbers) > 2 else len(body)
    header, covered = _header_parts(body[:zone])
    # 绩效指标 spans the level columns on the left: printed beside their labels, anywhere
    covered |= {i for i, c in enumerate(body) if header_role(c.text) == "block"}
    named = column_roles([text for _, text in sorted(header.items())])
    # a header cell whose two lines each name its column (`未完成原因分析 | 及改进措施`)
    roles = tuple(r for k, r in enumerate(named) if not k or r != named[k - 1])
    levels: list[Text] = []
    rest: list[Text] = []
    i = 0
    while i < len(body):
        cell, nxt = body[i], body[i + 1] if i + 1 < len(body) else None
        wrapped = _label_parts(body[i : i + 3])
        if i in covered:
            i += 1
        elif wrapped is not None:  # a level label wrapped in its cell: `生态效 | 益指标`
            levels.append(wrapped[0])
            i += wrapped[1]
        else:
            (levels if level_of(cell, nxt, None) is not None else rest).append(cell)
            i += 1
    after = [c for c in (total[1] if total else []) if not PAGE_MARK.match(c.text)][:3]
    return BlockStream(
        roles=roles,
        levels=levels,
        cells=rest,
        before=before,
        total_label=total is not None,
        numbers_after_total=any(parse_number(c.text) is not None for c in after)
        or (total is not None and _numbers_open_line(printed, total[0])),
    )


def _label_parts(cells: list[Text]) -> tuple[Text, int] | None:
    """The level label the first two or three cells make together (a label wrapped in its
    cell: `满意度指 | 标（10分 | ）`), and how many cells it takes; None when the first cell
    is a label alone."""
    if not cells or level_of(cells[0], None, None) is not None:
        return None
    for n in (2, 3):
        parts = cells[:n]
        if len(parts) < n or level_of(parts[-1], None, None) is not None:
            return None
        first = parts[0]
        whole = Text("".join(h.key(p.text) for p in parts), first.page, first.line, first.where)
        if level_of(whole, None, None) is not None:
            return whole, n
    return None


def _header_parts(cells: list[Text]) -> tuple[dict[int, str], set[int]]:
    """Header words by position, a header cell wrapped in two (`年度 | 指标值`) as one word at
    its first half; and every position a header word covers."""
    found: dict[int, str] = {}
    covered: set[int] = set()
    i = 0
    while i < len(cells):
        pair = h.key(cells[i].text) + (h.key(cells[i + 1].text) if i + 1 < len(cells) else "")
        if i + 1 < len(cells) and not _header_word(cells[i].text) and _wrapped_header(cells, i):
            found[i] = pair
            covered |= {i, i + 1}
            i += 2
            continue
        if _header_word(cells[i].text):
            found[i] = cells[i].text
            covered.add(i)
        i += 1
    return found, covered


def _numbers_open_line(cells: list[Text], label: Text) -> bool:
    """`100 94 总分` on a line of its own: the line-by-line scramble (`unscramble`), the total
    still beside its label."""
    line = [c for c in cells if c.line is not None and c.line == label.line]
    return bool(line) and all(numeric(c) for c in line)


def _wrapped_header(cells: list[Text], i: int) -> bool:
    """Cells i and i+1 are one header cell's two lines: together exactly a header word
    (`实际 | 完成值`), or a header neither line is alone (`年度实际完 | 成值`)."""
    first, second = cells[i].text, cells[i + 1].text
    pair = h.key(first) + h.key(second)
    if pair in _HEADER_CELLS:
        return True
    return (
        not _header_word(second) and _header_word(pair) and level_of(cells[i], None, None) is None
    )


def _header_word(text: str) -> bool:
    """A header cell, not a row label that starts like one: a label carries its weight
    (`实际完成率（11分）`), a header no digit."""
    return is_header_word(text) and not any(ch.isdigit() for ch in text)


def out_of_order(stream: BlockStream) -> bool:
    """Values of two rows next to each other (no name between), the 总分 label with no
    numbers after it (they were printed before it, with the values), or values before any
    name in one long line."""
    counted = {"target", "actual", "weight", "score", "full_mark", "coefficient", "score_item"}
    counted |= {"score_review", "target_op", "target_value", "core"}
    per_row = sum(1 for r in stream.roles if r in counted)
    if not per_row:
        return False
    if _longest_run(stream.cells) > per_row + 1:  # a row's values and the next 序号 at most
        return True
    if _groups_side_by_side(stream):
        return True
    if not any(numeric(c) for c in stream.cells):
        return False
    if stream.total_label and not stream.numbers_after_total:
        return True  # the 总分 row's numbers were printed before its label, with the values
    return _values_lead(stream.cells, per_row + ("seq" in stream.roles))


def _groups_side_by_side(stream: BlockStream) -> bool:
    """Two rows' value groups next to each other, in the one split of the cells that fits
    the header's value columns (a target like 及时 among them): in row order a name stands
    between them. Where several splits fit, this says nothing."""
    roles = [r for r in stream.roles if r in VALUE_ROLES]
    if len(roles) < 2 or "seq" in stream.roles:
        return False
    parsed = only_parse(stream.cells, roles, stream.total_label)
    if parsed is None:
        return False
    at = {id(c): i for i, c in enumerate(stream.cells)}
    groups = parsed[0]
    return any(at[id(b[0])] == at[id(a[-1])] + 1 for a, b in itertools.pairwise(groups))


def _longest_run(cells: list[Text]) -> int:
    """The most values printed side by side (a 是否核心指标 answer 是/否 among them). Where
    the text runs one row per line, a run stops at the line's end: the next line is the next
    row, whichever way its cells were printed."""
    by_line = line_mode(cells)
    run = longest = 0
    for k, cell in enumerate(cells):
        if by_line and k and cell.line != cells[k - 1].line:
            run = 0
        run = run + 1 if numeric(cell) or kind_of(cell.text) == "yesno" else 0
        longest = max(longest, run)
    return longest


def _values_lead(cells: list[Text], per_row: int) -> bool:
    """Two values or more before any name, and more values on that first line than one row
    holds: rows' values printed ahead of their labels across rows. (Text whose every line is
    one row printed numbers first, `10 9 产出指标 … name`, is put back line by line by
    `unscramble`.)"""
    first_text = next((i for i, c in enumerate(cells) if not numeric(c)), len(cells))
    if first_text < 2:
        return False  # a name first, or a 序号 and then a name: rows in order
    line = cells[0].line
    on_line = [c for c in cells if line is None or c.line == line]
    return sum(1 for c in on_line if numeric(c)) > per_row
