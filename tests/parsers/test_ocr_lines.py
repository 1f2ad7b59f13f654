"""Text lines found in a cell by their ink: strokes cut off a character stay with it."""

from __future__ import annotations

import numpy as np

from parsers.ocr.recognize import text_lines
from parsers.ocr.ruling import Rect

PX_PER_PT = 200 / 72  # a page rendered at 200 dpi


def cell(*inks: tuple[int, int, int, int]) -> np.ndarray:
    """A 60 x 200 pixel cell mask with ink (255) in each (top, bottom, x0, x1) box."""
    mask = np.zeros((60, 200), np.uint8)
    for top, bottom, x0, x1 in inks:
        mask[top:bottom, x0:x1] = 255
    return mask


def test_top_bar_of_a_lone_character_joins_its_line() -> None:
    # 元 alone on a wrapped cell's last line: its short top bar (2 px) parted from the rest
    # by more than a line gap, but closer than a line is high
    mask = cell((20, 22, 44, 52), (27, 41, 40, 58))
    assert text_lines(mask, Rect(0, 0, 200, 60), PX_PER_PT) == [Rect(40, 20, 58, 41)]


def test_speck_far_from_text_and_seal_trace_past_it_are_dropped() -> None:
    speck = (4, 6, 100, 102)  # well above the line
    trace = (22, 24, 40, 160)  # a seal's faint arc running past the text "10"
    mask = cell(speck, trace, (27, 41, 40, 60))
    assert text_lines(mask, Rect(0, 0, 200, 60), PX_PER_PT) == [Rect(40, 27, 60, 41)]
