"""Lines in a scanned page: text lines found in a cell by their ink, ruling lines into cells."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from parsers.ocr import scan
from parsers.ocr.recognize import text_lines
from parsers.ocr.ruling import Rect, tables

PX_PER_PT = 200 / 72  # a page rendered at 200 dpi
SCANS = Path(__file__).parents[1] / "fixtures" / "scans"


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


def test_a_lone_mark_of_short_bars_is_a_line_a_lone_bar_is_not() -> None:
    # `=` alone in a 指标性质 cell: two bars 3 px high, 4 px apart (lower than a line each)
    equals = cell((20, 23, 40, 52), (27, 30, 40, 52))
    assert text_lines(equals, Rect(0, 0, 200, 60), PX_PER_PT) == [Rect(40, 20, 52, 30)]
    dash = cell((25, 27, 40, 70))  # a dash's lone bar, or a speck: nothing to read
    assert text_lines(dash, Rect(0, 0, 200, 60), PX_PER_PT) == []


def test_a_scanned_pdf_page_is_rendered_at_its_own_resolution() -> None:
    def dpi(name: str) -> list[float]:
        pdf = pdfium.PdfDocument(SCANS / name)
        try:
            return [scan._dpi(pdf[i]) for i in range(len(pdf))]
        finally:
            pdf.close()

    assert dpi("image-only.pdf") == [150.0] * 4  # no pixels added to a 150 dpi scan
    assert dpi("b-skew-stamp.pdf") == [200.0] * 2
    assert dpi("scans-text.pdf") == [200.0] * 4  # no scan on the page (OCR by force)


def test_cells_of_a_form_with_equal_columns() -> None:
    # six equal columns put vertical rules at a third, a half and two thirds of the width,
    # where the line thickness was once measured (one run the table's height: cells grew
    # by half the table)
    mask = np.zeros((320, 620), np.uint8)
    for y in range(10, 311, 50):
        mask[y : y + 2, 10:612] = 255
    for x in range(10, 611, 100):
        mask[10:312, x : x + 2] = 255
    grids = tables(mask, PX_PER_PT)
    assert len(grids) == 1
    cells = sorted(grids[0].cells, key=lambda c: (c.top, c.x0))
    assert len(cells) == 36
    assert cells[0] == Rect(11, 11, 111, 61)
    assert all(c.width == 100 and c.height == 50 for c in cells)
