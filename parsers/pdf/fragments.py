"""Runs of characters on a PDF text line (fragments), the units a table without ruling
lines is read from, and what their text alone says about the cell they belong to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.pdf.cells import Char, line_text
from parsers.pdf.grid import PADDING

_CLOSING = set("）)】」』，。、：；！？%,.:;!?")  # marks a line may not start with
# one number in a cell: a comparison sign before it, a short unit after (`≥120次`, `4584.24万元`)
_QUANTITY = re.compile(r"^[<>=≥≤≧≦＜＞＝﹦]{0,2}[-+]?\d[\d,]*(?:\.\d+)?[^\d\s]{0,3}$")


@dataclass
class Fragment:
    """A run of characters on one line with no gap wider than a cell's padding."""

    chars: list[Char]
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    col: int = -1

    @property
    def first_width(self) -> float:
        """Width of the text that could not have been split from the fragment's first glyph
        at a line end: a Latin word or number whole, a glyph with the closing marks after it
        (`分）`: a line may not start with `）`)."""
        chars = self.chars
        end = 1
        if chars[0]["text"].isascii():
            while end < len(chars) and chars[end]["text"].isascii():
                end += 1
        while end < len(chars) and chars[end]["text"] in _CLOSING:
            end += 1
        return float(chars[end - 1]["x1"]) - float(chars[0]["x0"])


def fragments(line: list[Char]) -> list[Fragment]:
    """The line's runs of inked characters, split at gaps wider than a cell's padding."""
    inked = [c for c in line if c["text"].strip()]
    groups: list[list[Char]] = []
    for ch in inked:
        gap = max(PADDING, 0.5 * float(ch["size"]))
        if groups and float(ch["x0"]) - float(groups[-1][-1]["x1"]) <= gap:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    return [
        Fragment(
            g,
            float(g[0]["x0"]),
            max(float(c["x1"]) for c in g),
            min(float(c["top"]) for c in g),
            max(float(c["bottom"]) for c in g),
            line_text(g),
        )
        for g in groups
    ]


def closes(above: Fragment, below: Fragment) -> bool:
    """`below` closes a bracket that `above` left open: one cell's text over two lines."""
    return _depth(above.text) > 0 and _depth(below.text) < 0


def _depth(text: str) -> int:
    return sum(text.count(c) for c in "(（") - sum(text.count(c) for c in ")）")


def quantity(f: Fragment) -> bool:
    """One number in the fragment, with at most a comparison sign and a short unit."""
    return _QUANTITY.match(f.text.replace(" ", "")) is not None
