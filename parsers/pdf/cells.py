"""One ruled PDF page through pdfplumber: its tables as cell boxes, its other text as lines.

pdfplumber's table finder gives each table's cells as boxes; the page's characters are then
dealt to cells by their centres in one pass (a grid lookup, not a scan of every cell per
character), and a cell's characters become lines by their vertical centres. Within a line a
space is put back only between Latin characters set apart by a visible gap: the gap that
Word and LibreOffice leave between Chinese and Latin text ("2024 年") is layout, not text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from parsers._text import is_wide, join_lines
from parsers.pdf.grid import LOW_END, Box, Item, RawTable, edges, index
from schemas import Paragraph

PADDING = 6.0  # points between a cell's border and its text in Word/LibreOffice (0.19 cm)

_SENTENCE_END = ("。", "！", "？", "；", ".", "!", "?", ";")

# "续表" / "续上表" / "（续）": typesetting's mark over a table's continuation. Like the running
# header it does not separate the continuation from the table it continues.
_CONTINUED = re.compile(r"^[(（]?续(上?表)?[)）]?\s*$")

Char = dict[str, Any]  # a pdfplumber char: text, x0, x1, top, bottom, size, ...


class _Frame:
    """A found table: its cell boxes and a slot map from grid position to cell."""

    def __init__(self, bbox: tuple[float, ...], cells: list[tuple[float, ...]]) -> None:
        self.bbox = bbox
        self.cells = cells
        self.xs = edges([c[0] for c in cells] + [c[2] for c in cells])
        self.ys = edges([c[1] for c in cells] + [c[3] for c in cells])
        self.slots: dict[tuple[int, int], int] = {}
        for i, (x0, top, x1, bottom) in enumerate(cells):
            for r in range(index(self.ys, top), index(self.ys, bottom)):
                for c in range(index(self.xs, x0), index(self.xs, x1)):
                    self.slots.setdefault((r, c), i)
        self.chars: list[list[Char]] = [[] for _ in cells]

    def contains(self, x: float, y: float) -> bool:
        x0, top, x1, bottom = self.bbox
        return x0 <= x <= x1 and top <= y <= bottom

    def take(self, ch: Char, x: float, y: float) -> None:
        r, c = bisect_right(self.ys, y) - 1, bisect_right(self.xs, x) - 1
        i = self.slots.get((r, c))
        if i is not None:
            self.chars[i].append(ch)


def page_items(page: Any, number: int, margin: float) -> list[Item]:
    """Tables (as RawTable of boxes in document coordinates) and text lines, top to bottom."""
    frames = [_Frame(t.bbox, list(t.cells)) for t in page.find_tables() if t.cells]
    outside: list[Char] = []
    for ch in page.chars:
        x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        frame = next((f for f in frames if f.contains(x, y)), None)
        if frame is None:
            outside.append(ch)
        else:
            frame.take(ch, x, y)
    offset = page.initial_doctop
    height = page.height
    items = [_table_item(f, number, offset, height) for f in frames]
    for line in lines(outside):
        top, bottom = min(c["top"] for c in line), max(c["bottom"] for c in line)
        text = line_text(line)
        in_band = bottom < margin * height or top > (1 - margin) * height
        is_margin = in_band or bool(_CONTINUED.match(text))
        if text:
            para = Paragraph(text, page=number, where=f"page {number}")
            items.append(Item(top, bottom, para, is_margin))
    items.sort(key=lambda it: it.top)
    return items


def _table_item(frame: _Frame, number: int, offset: float, height: float) -> Item:
    boxes = [
        _box((x0, top, x1, bottom), chars, number, offset)
        for (x0, top, x1, bottom), chars in zip(frame.cells, frame.chars, strict=True)
    ]
    ends_low = frame.bbox[3] >= (1 - LOW_END) * height
    return Item(frame.bbox[1], frame.bbox[3], RawTable(boxes, number, number, ends_low))


def _box(
    bbox: tuple[float, float, float, float], chars: list[Char], page: int, offset: float
) -> Box:
    """A cell as a Box: its text and where the text sits in it (the page-break model's
    evidence: how low it reaches, where its last line ends, how wide its first glyph is)."""
    x0, top, x1, bottom = bbox
    drawn = (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))
    box = Box(x0, x1, top + offset, bottom + offset, page, "", bbox=drawn)
    grouped = lines(chars)
    box.text = text_of(grouped, x1)
    inked = [[c for c in line if c["text"].strip()] for line in grouped]
    inked = [line for line in inked if line]
    if inked:
        box.text_bottom = max(float(c["bottom"]) for line in inked for c in line) + offset
        box.line_end = float(inked[-1][-1]["x1"])
        box.first_width = float(inked[0][0]["x1"]) - float(inked[0][0]["x0"])
    return box


def lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into text lines by vertical centre, each line left to right."""
    out: list[list[Char]] = []
    centre = 0.0
    for ch in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        y = (ch["top"] + ch["bottom"]) / 2
        if out and y - centre <= 0.5 * max(float(ch["size"]), 1.0):
            out[-1].append(ch)
        else:
            out.append([ch])
            centre = y
    return [sorted(line, key=lambda c: c["x0"]) for line in out]


def line_text(line: list[Char]) -> str:
    parts: list[str] = []
    prev: Char | None = None
    for ch in line:
        text = ch["text"]
        if prev is not None and text == prev["text"] and abs(ch["x0"] - prev["x0"]) < 1:
            continue  # the same glyph printed twice, a little offset: fake bold
        if prev is not None and parts and text.strip() and parts[-1].strip():
            gap = ch["x0"] - prev["x1"]
            latin = not is_wide(text[0]) and not is_wide(parts[-1][-1])
            if latin and gap > 0.25 * max(float(ch["size"]), 1.0):
                parts.append(" ")
        parts.append(text)
        prev = ch
    return " ".join("".join(parts).split())


def cell_text(chars: list[Char], right: float) -> str:
    """A cell's lines: wrapped ones joined CJK-aware (`>=15万` / `元` reads `>=15万元`),
    paragraphs kept apart by a newline.

    A line that ends a sentence and stops short of the cell's right border (by more than
    the cell padding and a character and a half) ended its paragraph. Stopping short alone
    is no proof: layout moves a number, a Latin word or a closing mark to the next line
    whole (`<=2716.67` / `元/人/月`).
    """
    return text_of(lines(chars), right)


def text_of(grouped: list[list[Char]], right: float) -> str:
    """`cell_text` of characters already grouped into lines."""
    paragraphs: list[list[str]] = [[]]
    for line in grouped:
        text = line_text(line)
        paragraphs[-1].append(text)
        size = max(float(line[-1]["size"]), 1.0)
        if text.endswith(_SENTENCE_END) and right - line[-1]["x1"] > PADDING + 1.5 * size:
            paragraphs.append([])
    return "\n".join(t for t in (join_lines(p) for p in paragraphs) if t)
