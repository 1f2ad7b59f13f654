"""Lines that ran together under a header printed with its spaces (OCR text keeps the spaces
of some lines only): each is cut into cells where one cut of least cost reads it, once the
sums of its block (level weights, the total row) had their say over every line of it,
spaced or not.
"""

from __future__ import annotations

from pipeline.extract import headers as h
from pipeline.extract.glued_budget import TOTAL, ends_rows, like, preamble, total_sums
from pipeline.extract.glued_rows import LEVELS, choose, cut_line, proven_cuts, sub_header
from pipeline.extract.located import Text
from pipeline.extract.stream_header import column_roles, header_role

MIN_CELLS = 3  # a glued line under a spaced header is cut only into a name and two values


def under_spaced_header(lines: list[list[Text]]) -> list[list[Text]]:
    """`lines` with each line that ran together under a header printed with its spaces cut
    into cells, where one cut of least cost reads it into a name and two values or more, once
    the sums of its block (level weights, the total row) had their say over every line of
    it, spaced or not; every other line as it came."""
    out: list[list[Text]] = []
    header: list[str] = []
    roles: tuple[str, ...] = ()
    block: list[list[Text]] = []
    columns: list[str] = []
    budget: dict[str, str] = {}
    for line in lines:
        words = [t.text for t in line]
        if len(line) > 1 and all(header_role(w) is not None for w in words):
            out.extend(_spaced_block(block, roles, None, budget))
            block = []
            header = [*header, *words] if roles and "level3" not in column_roles(words) else words
            roles = column_roles(header) if "level3" in column_roles(header) else ()
            out.append(line)
            continue
        more = sub_header(line) if roles else None  # 指标性质指标值度量单位, glued
        if more and "level3" in column_roles([*header, *more]):
            header = [*header, *more]
            roles = column_roles(header)
            out.append([like(line[0], w) for w in more])
            continue
        if roles and (ends_rows(line) or _is_total(line)):
            out.extend(_spaced_block(block, roles, line, budget))
            block, header, roles = [], [], ()
        if roles:
            block.append(line)
            continue
        _budget_of(line, columns, budget)
        out.append(line)
    out.extend(_spaced_block(block, roles, None, budget))
    return out


def _budget_of(line: list[Text], columns: list[str], budget: dict[str, str]) -> None:
    """The budget block's 分值 and 得分, for the total row's sums (the line stays as it came)."""
    found = [h.match_column(t.text, h.BUDGET_COLUMNS) for t in line[1:]]
    if len(line) > 1 and found and all(f is not None for f in found):
        columns[:] = [f for f in found if f is not None]
    else:
        preamble(line, columns, budget)


def _is_total(line: list[Text]) -> bool:
    return len(line) > 1 and TOTAL.match(line[0].text + "0") is not None


def _spaced_block(
    block: list[list[Text]],
    roles: tuple[str, ...],
    total: list[Text] | None,
    budget: dict[str, str],
) -> list[list[Text]]:
    """The rows of one table under a spaced header: a glued line cut where one cut reads it;
    where several do, the block's level weights and total row choose, over the weights and
    scores of every line (the spaced ones too, their cells parted by their spaces)."""
    if not block or not roles:
        return block
    row_roles = roles[1:] if roles[:1] == ("seq",) else roles
    cuts = [
        choose(cut_line(ln[0].text, row_roles), row_roles) if len(ln) == 1 else [] for ln in block
    ]
    if any(len(found) > 1 for found in cuts):  # only then are the sums worth their time
        texts = [_as_text(line) for line in block]
        sums = total_sums(total, budget, "weight" in roles) if total else set()
        cuts = proven_cuts(texts, [len(line) == 1 for line in block], row_roles, sums)
    out: list[list[Text]] = []
    for line, found in zip(block, cuts, strict=True):
        cut = found[0] if len(found) == 1 and len(found[0].cells) >= MIN_CELLS else None
        out.append([like(line[0], t) for t in (*cut.labels, *cut.texts())] if cut else line)
    return out


def _as_text(line: list[Text]) -> str:
    """A line as one text: its opening level labels run together (as `_labels` reads them),
    its other cells parted by spaces."""
    lead = 0
    while lead < len(line) - 1 and h.key(line[lead].text) in LEVELS:
        lead += 1
    return "".join(t.text for t in line[:lead]) + " ".join(t.text for t in line[lead:])
