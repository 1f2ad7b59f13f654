"""The text degradations of shared/TEMPLATES.md: how a form's grid reaches us as plain text.

Each renderer takes the drawn `Form` and the seeded generator and returns the text a converter
would have produced: merged cells vanish or come out empty, spans leave `||||` fillers, rows
break, cells glue, numbers jump ahead of labels, pages cut the table.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import regex

from bench.layouts.model import Cell, Form

Slot = tuple[str, Cell]  # ("cell" | "below" | "right", the cell covering the position)


def slots(form: Form) -> list[list[Slot]]:
    """Every grid position: the cell starting there, or the merged cell covering it."""
    grid: list[list[Slot | None]] = [[None] * form.width for _ in range(form.n_rows)]
    for cell in form.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                kind = (
                    "cell"
                    if (r, c) == (cell.row, cell.col)
                    else "below"
                    if c == cell.col
                    else "right"
                )
                grid[r][c] = (kind, cell)
    return [[s for s in row if s is not None] for row in grid]


def row_texts(form: Form, joiner: str = "") -> list[list[str]]:
    """The texts of the cells starting in each row (merged continuations vanish)."""
    return [[c.text.replace("\n", joiner) for c in row] for row in form.grid_rows()]


def _titles(form: Form) -> list[str]:
    return list(form.titles)


def flat_space(form: Form, rng: random.Random, one_line: bool = True) -> str:
    """One row per line, cells split by runs of spaces; empty and merged cells vanish. A
    quarter of the tables come as one long line with single spaces (docx → text)."""
    rows = [[t for t in row if t] for row in row_texts(form)]
    if one_line and rng.random() < 0.25:
        return "\n".join(_titles(form)) + "\n" + " ".join(" ".join(r) for r in rows if r) + "\n"
    gap = " " * rng.randint(1, 4)
    return "\n".join(_titles(form) + [gap.join(r) for r in rows if r]) + "\n"


def pipe_rows(form: Form, rng: random.Random) -> str:
    """`| a | b |` rows; a span leaves `|` fillers, rows break mid-table or run together."""
    lines: list[str] = [f"{t} |" for t in _titles(form)]
    for row in form.grid_rows():
        parts = []
        for cell in row:
            text = cell.text.replace("\n", " ")
            if not text and rng.random() < 0.5:
                continue  # an empty cell the exporter dropped
            parts.append(f" {text} |" + "|" * (cell.colspan - 1))
        if not parts:
            lines.append("|")
            continue
        if len(parts) > 3 and rng.random() < 0.15:  # a row broken mid-table
            cut = rng.randint(1, len(parts) - 1)
            lines += ["|" + "".join(parts[:cut]), "|" + "".join(parts[cut:])]
        elif lines and lines[-1].startswith("|") and rng.random() < 0.1:  # two rows run together
            lines[-1] += "".join(parts)
        else:
            lines.append("|" + "".join(parts))
    return "\n".join(lines) + "\n"


def cell_tab(form: Form, rng: random.Random) -> str:
    """Word "save as text": one cell per TAB-led line, a cell's further lines without the TAB,
    merged cells as empty TAB lines, rows separated by a blank line."""
    lines = [*_titles(form), ""]
    for row in slots(form):
        for kind, cell in row:
            if kind == "right":
                continue
            text = cell.text if kind == "cell" else ""
            first, *more = text.split("\n")
            lines.append("\t" + first)
            lines += more
        lines.append("")
    return "\n".join(lines) + "\n"


def cell_pipe(form: Form, rng: random.Random) -> str:
    """One cell per line ending ` |` (an empty one as a bare `|`); a row's unused columns as
    one line of `|` fillers."""
    lines = [f"{t} |" for t in _titles(form)]
    for row in form.grid_rows():
        for cell in row:
            text = cell.text.replace("\n", " ")
            lines.append(f"{text} |" if text else "|")
        filler = form.width - len(row)
        if filler > 0:
            lines.append("|" * filler)
    return "\n".join(lines) + "\n"


def cell_blank(form: Form, rng: random.Random) -> str:
    """HTML export: each non-empty cell on its own line, a blank line after every cell."""
    lines = [*_titles(form), ""]
    for row in row_texts(form):
        for text in row:
            if text:
                lines += [text, ""]
    return "\n".join(lines) + "\n"


def indented(form: Form, rng: random.Random) -> str:
    """HTML text: each row in one to three indented fragments; some blank cells as
    whitespace-only lines."""
    lines = list(_titles(form))
    for row in row_texts(form):
        texts = [t for t in row if t or rng.random() < 0.2]
        k = 0
        while k < len(texts):
            n = rng.randint(1, 3)
            chunk = texts[k : k + n]
            lines.append(" " * rng.randint(2, 12) + "  ".join(chunk))
            k += n
    return "\n".join(lines) + "\n"


def glued(form: Form, rng: random.Random) -> str:
    """Cells run together with no separator, one row per line."""
    return "\n".join(_titles(form) + ["".join(r) for r in row_texts(form) if any(r)]) + "\n"


def _numeric(text: str) -> bool:
    bare = text.strip().rstrip("%分元万个人次项户").lstrip("≥≤=<>≧≦﹦═＝")
    return bool(bare) and bare.replace(".", "", 1).replace(",", "").isdigit()


def scrambled(form: Form, rng: random.Random) -> str:
    """PDF text in the wrong order: each row's numbers first, its labels after."""
    lines = list(_titles(form))
    for row in row_texts(form):
        texts = [t for t in row if t]
        if texts:
            lines.append(
                " ".join([t for t in texts if _numeric(t)] + [t for t in texts if not _numeric(t)])
            )
    return "\n".join(lines) + "\n"


PAGE_MARKS = ("- {n} -", "第 {n} 页", "— {n} —", "{n}", "{n}、")


def page_cut(form: Form, rng: random.Random) -> str:
    """The table runs over a page end: a page number, a running header, and the row at the
    cut broken across the two pages."""
    if rng.random() < 0.5:
        text = flat_space(form, rng, one_line=False).rstrip("\n").split("\n")
    else:
        text = pipe_rows(form, rng).rstrip("\n").split("\n")
    header = next((k for k, t in enumerate(text) if "三级" in t), len(form.titles))
    cut = rng.randint(min(header + 2, len(text) - 1), len(text) - 1)
    line = text[cut]
    mark = rng.choice(PAGE_MARKS).format(n=rng.randint(2, 9))
    insert = ["", mark, "\f" + rng.choice(("", "续表", "绩效自评表（续）"))]
    pieces = line.split(" ")
    inside = [m.start() for m in regex.finditer(r"(?<=\p{Han}{2})(?=\p{Han}{2})", line)]
    if inside and rng.random() < 0.25:  # the page ends inside a cell (a name, a phrase)
        at = rng.choice(inside)
        text[cut : cut + 1] = [line[:at], *insert, line[at:]]
    elif len(pieces) > 3 and rng.random() < 0.5:  # the row itself is broken by the page end
        at = rng.randint(1, len(pieces) - 1)
        text[cut : cut + 1] = [" ".join(pieces[:at]), *insert, " ".join(pieces[at:])]
    else:
        text[cut:cut] = insert
    return "\n".join(text) + "\n"


TEXT_LAYOUTS: dict[str, Callable[[Form, random.Random], str]] = {
    "flat_space": flat_space,
    "pipe_rows": pipe_rows,
    "cell_tab": cell_tab,
    "cell_pipe": cell_pipe,
    "cell_blank": cell_blank,
    "indented": indented,
    "page_cut": page_cut,
    "glued": glued,
    "scrambled": scrambled,
}
