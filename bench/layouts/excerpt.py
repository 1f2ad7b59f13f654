"""A page of a longer report, as stored excerpts and page-by-page text give it (TEMPLATES.md:
"pages start mid-table, tables stop at page ends"): the page opens with the last rows of the
table before, printed without their header, and the table on it stops at the page end,
inside one of its rows.

The rows before the title belong to another table: a reader must not emit them (without
their header, their columns are unknown). The table on the page keeps its rows up to the
cut; the row the cut falls in keeps the cells printed before it, and its truth holds only
those (a reader may read them, or report the row).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

from bench.layouts import text
from bench.layouts.model import Cell, Form, TruthRow

Render = Callable[[Form, random.Random], str]
TRUTH_FIELDS = ("level1", "level2", "level3", "target", "actual", "weight", "score")


def excerpt(form: Form, rng: random.Random, other: Form) -> tuple[str, Form]:
    """The page's text and the truth of what it prints of `form`; `other` is the table
    whose last rows open the page."""
    render: Render = rng.choice((_flat, text.pipe_rows))
    cut = cut_form(form, rng)
    head = _tail_rows(render(other, rng), other, rng)
    return "\n".join(head) + "\n" + render(cut, rng), cut


def _flat(form: Form, rng: random.Random) -> str:
    return text.flat_space(form, rng, one_line=False)


def _tail_rows(printed: str, form: Form, rng: random.Random) -> list[str]:
    """The last lines of `form`'s indicator rows and its total, without title or header."""
    lines = printed.rstrip("\n").split("\n")
    header = next((k for k, t in enumerate(lines) if "三级" in t), len(form.titles))
    body = lines[header + 1 :]
    keep = rng.randint(1, max(1, min(4, len(body) - 1)))
    return body[-keep:]


def cut_form(form: Form, rng: random.Random) -> Form:
    """`form` stopped inside an indicator row: the rows before it whole, that row's name
    and some of the cells after it, nothing after (no total row)."""
    k = rng.randint(1, len(form.rows) - 1)
    at = form.first_indicator_row + k  # the grid row of truth row k
    name = form.rows[k].level3
    starts = sorted(c.col for c in form.cells if c.row == at)
    name_col = next((c.col for c in form.cells if c.row == at and c.text == name), starts[0])
    after = [col for col in starts if col > name_col]
    stop = rng.choice(after) if after and rng.random() < 0.8 else form.width
    cells = [_clipped(c, at, stop) for c in form.cells if c.row <= at]
    kept = [c for c in cells if c is not None]
    truth = [*form.rows[:k], _partial(form.rows[k], kept, at)]
    return dataclasses.replace(form, cells=kept, n_rows=at + 1, rows=truth, total=None)


def _clipped(cell: Cell, at: int, stop: int) -> Cell | None:
    """A cell as far as the cut shows it: merged labels end at the cut row, cells of the cut
    row right of the cut are not printed."""
    if cell.row == at and cell.col >= stop:
        return None
    return dataclasses.replace(cell, rowspan=min(cell.rowspan, at + 1 - cell.row))


def _partial(row: TruthRow, cells: list[Cell], at: int) -> TruthRow:
    """The truth of the cut row: a field keeps its value where the page prints it (every
    part of a split target; a weight printed in the name's label counts)."""
    printed = [c.text.replace("\n", "") for c in cells if c.row == at]
    kept = dataclasses.replace(row, extra={})
    for name in TRUTH_FIELDS[3:]:
        value = getattr(row, name)
        whole = (value or "").replace("\n", "")
        shown = whole in printed or all(_shows(p, printed) for p in whole.split())
        if value is not None and not shown:
            setattr(kept, name, None)
    return kept


def _shows(part: str, printed: list[str]) -> bool:
    """A cell prints `part`, or a label prints it as its weight (`立项依据充分性(4分)`)."""
    return any(part == t or f"({part}分)" in t or f"（{part}分）" in t for t in printed)
