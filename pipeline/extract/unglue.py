"""Cells that ran together: text copied or OCR'd from a grid with no separator between cells.

`产出指标(40分)数量指标农技推广覆盖数量≥300所305所1414.00/` is a row of six cells printed
without spaces. A header printed the same way (`一级指标二级指标三级指标年度指标值…`) is cut by
its vocabulary, and gives the roles each following line must fill in order. Each line is
cut into level labels and one cell per role (`glued_rows`).

Digits that run together (`1414.00`: 14 | 14.00 or 141 | 4.00) can be cut several ways. A cut
is kept only where it is the only one, or where the weights of its level add up to the weight
its label prints (`产出指标(40分)`) or the rows to the table's total: proven, not guessed. A
line that keeps several cuts is left whole, so the token reader reports it as unread
(ROW_UNPARSED) with its text.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from pipeline.extract.glued_blob import unblob
from pipeline.extract.glued_budget import ends_rows, glued_total, like, preamble, total_sums
from pipeline.extract.glued_cells import is_han, split_words
from pipeline.extract.glued_rows import (
    HEADER_WORDS,
    by_format,
    level_labels,
    proven_cuts,
    sub_header,
)
from pipeline.extract.glued_spaced import under_spaced_header
from pipeline.extract.located import Text
from pipeline.extract.lookalike import repair_tokens
from pipeline.extract.stream_header import column_roles


def unglue(toks: list[Text]) -> list[Text]:
    """`toks` with glued headers, header fields, budget rows and indicator rows cut into
    cells; everything else as it came (OCR look-alikes in numbers repaired first)."""
    toks = repair_tokens(toks)
    lines = unblob(_lines(toks), HEADER_WORDS)
    if not any(_glued_header(line) for line in lines):
        # cells kept their separators; a total may still run into its number (`合计100`),
        # a row into its cells (OCR text: some lines lose their spaces)
        return [t for line in under_spaced_header(lines) for t in (glued_total(line) or line)]
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
        while at < len(lines) and (more := sub_header(lines[at])):  # 指标性质指标值度量单位
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


def _glued_header(line: list[Text]) -> list[str] | None:
    """The words of an indicator header printed as one run (`一级指标二级指标三级指标…`)."""
    words = split_words(line[0].text, HEADER_WORDS) if len(line) == 1 else None
    roles = column_roles(words) if words else ()
    return words if words and "level3" in roles and len(roles) >= 3 else None


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


def _rows(
    lines: list[list[Text]], roles: tuple[str, ...], sums: set[tuple[Decimal, ...]]
) -> list[Text]:
    """The row lines under a header cut into cells where proven, the rest reported unread.
    `sums`: what the table's total row says its weights and scores add up to (together:
    a misprinted total is less likely to fit a wrong choice on both)."""
    row_roles = roles[1:] if roles[:1] == ("seq",) else roles
    lines = [_letter_spaced(ln) for ln in lines]
    texts = [ln[0].text if len(ln) == 1 else "" for ln in lines]
    cuts = proven_cuts(texts, [bool(t) for t in texts], row_roles, sums)
    by_format(cuts)
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
        labels_joined = len(level_labels(joined)[0]) > len(level_labels(text + " " + tok.text)[0])
        text = joined if spaced and labels_joined else f"{text} {tok.text}"
    return [like(line[0], text)]


def _unread(line: list[Text]) -> list[Text]:
    """A line no cut reads: its level labels (a closed vocabulary, sure) and the rest as
    unread, to be reported. A line whose cells kept their spaces, labels apart, is left to
    the token reader."""
    labels, rest = level_labels(line[0].text)
    if len(line) > 1 and not (labels and rest):
        return line
    unread = [like(line[0], rest), *line[1:]] if rest else line[1:]
    return [
        *(like(line[0], t) for t in labels),
        *(dataclasses.replace(t, unread=True) for t in unread),
    ]
