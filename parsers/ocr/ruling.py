"""Ruled tables in a page image: the lines by morphology, the cells as the spaces they enclose.

Horizontal lines are what survives an opening of the ink with a long flat kernel, vertical
lines likewise with a tall thin one. Text survives neither: a Chinese character's longest
stroke is about its size (9-12 pt in a form), the kernels are longer. A vertical piece
that does not run from one horizontal line to another (a tall stroke, a bracket) is dropped.

A table is one connected set of lines. Its cells are the paper regions the lines enclose:
a merged cell is simply a larger region, since no line crosses it. Region boxes are grown by
half a line's thickness so that neighbours share an edge, and are returned in pixels of the
(deskewed) page image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from parsers.ocr.raster import Gray, u8

H_RUN_PT = 30.0  # a horizontal ruling line is at least this long (points)
V_RUN_PT = 10.0  # a vertical one at least this tall: shorter than a one-line row
MIN_TABLE_PT = (80.0, 20.0)  # width, height below which a set of lines is no table
MIN_CELL_PT = 4.0  # a region narrower or lower than this is a gap between double lines
MAX_RULE_PT = 3.0  # no ruling line is thicker than this: a cell grows by half of it at most


@dataclass(frozen=True)
class Rect:
    """A box in pixels: x0, top inclusive; x1, bottom exclusive."""

    x0: int
    top: int
    x1: int
    bottom: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True)
class Grid:
    """One ruled table: its outer box and its cells (pixels, grown to the line centres)."""

    bbox: Rect
    cells: tuple[Rect, ...]


def tables(mask: Gray, px_per_pt: float) -> list[Grid]:
    """The ruled tables on a page, top to bottom, from its ink mask (255 = ink)."""
    lines = ruling_lines(mask, px_per_pt)
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    grids: list[Grid] = []
    min_w, min_h = (v * px_per_pt for v in MIN_TABLE_PT)
    for k in range(1, n):
        x, y, w, h, _area = (int(v) for v in stats[k])
        if w < min_w or h < min_h:
            continue
        bbox = Rect(x, y, x + w, y + h)
        cells = _cells(lines[y : y + h, x : x + w], bbox, px_per_pt)
        if len(cells) >= 2:
            grids.append(Grid(bbox, tuple(cells)))
    grids.sort(key=lambda g: g.bbox.top)
    return grids


def ruling_lines(mask: Gray, px_per_pt: float) -> Gray:
    """255 on the page's ruling lines, gaps of a pixel or two (scan noise) closed."""
    h_run = max(10, round(H_RUN_PT * px_per_pt))
    v_run = max(6, round(V_RUN_PT * px_per_pt))
    horizontal = u8(cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, h_run), np.uint8)))
    vertical = u8(cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((v_run, 1), np.uint8)))
    vertical = _anchored(vertical, horizontal, px_per_pt)
    lines = cv2.bitwise_or(horizontal, vertical)
    return u8(cv2.morphologyEx(lines, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)))


def _anchored(vertical: Gray, horizontal: Gray, px_per_pt: float) -> Gray:
    """Vertical pieces whose both ends meet a horizontal line (a table's column rules)."""
    reach = max(2, round(2.0 * px_per_pt))
    near = cv2.dilate(horizontal, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    for k in range(1, n):
        x, y, w, h, _area = (int(v) for v in stats[k])
        top = near[y, x : x + w].any()
        bottom = near[y + h - 1, x : x + w].any()
        keep[k] = bool(top and bottom)
    return u8(np.where(keep[labels], 255, 0))


def _cells(lines: Gray, bbox: Rect, px_per_pt: float) -> list[Rect]:
    """The paper regions enclosed by a table's lines, as boxes in page pixels."""
    paper = cv2.bitwise_not(lines)
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(paper, connectivity=4)
    h, w = lines.shape
    least = MIN_CELL_PT * px_per_pt
    # half a line, and never more than a thick rule's half (MAX_RULE_PT)
    grow = max(1, round(min(0.5 * _thickness(lines), 0.5 * MAX_RULE_PT * px_per_pt)))
    out: list[Rect] = []
    for k in range(1, n):
        x, y, cw, ch, _area = (int(v) for v in stats[k])
        if x == 0 or y == 0 or x + cw >= w or y + ch >= h:
            continue  # outside the table's frame
        if cw < least or ch < least:
            continue
        out.append(
            Rect(
                bbox.x0 + x - grow,
                bbox.top + y - grow,
                bbox.x0 + x + cw + grow,
                bbox.top + y + ch + grow,
            )
        )
    return out


def _thickness(lines: Gray) -> float:
    """Typical line thickness in pixels: the runs of ink down a few columns, where they cross
    the horizontal lines. The columns are at odd shares of the width: a form with equal
    columns has its vertical rules at a third, a half, two thirds, and a column down a rule
    is one run as long as the table."""
    runs: list[int] = []
    for share in (0.13, 0.29, 0.41, 0.57, 0.71, 0.87):
        column = lines[:, int(share * lines.shape[1])] > 0
        edges = np.flatnonzero(np.diff(np.concatenate(([0], column.astype(np.int8), [0]))))
        runs.extend(int(b - a) for a, b in zip(edges[::2], edges[1::2], strict=True))
    return float(np.median(runs)) if runs else 2.0
