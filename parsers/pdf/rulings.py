"""A page's ruling-line edges from pdfium's path objects, as pdfplumber would make them.

pdfplumber's table finder reads `page.edges`: every painted path that pdfminer classed as a
line, a rectangle or a curve, cut into horizontal and vertical edges. This module walks the
same paths in pdfium (no content-stream interpreter in Python) and classes them by
pdfminer's own rules (`PDFLayoutAnalyzer.paint_path`): subpaths split at each move-to; a
closing `h` that only repeats the start point dropped; `ml` / `mlh` a line; `mlllh` /
`mllll` closed on axis-parallel corners a rectangle (four edges, whether stroked or
filled: a thin filled bar is two edges a hair apart that pdfplumber snaps together); any
other shape a curve (one edge per segment between its end points).

Paths inside form XObjects are followed through each form's matrix, as pdfminer runs a
form's content in place of its `Do`. Coordinates are pdfplumber's: points from the page's
top-left. A page this cannot read the same way (rotated, offset or cropped boxes, forms
nested past MAX_DEPTH) raises UndecidedError.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Edge = dict[str, Any]  # a pdfplumber edge: x0, x1, top, bottom, width, height, orientation
Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]

_SUBPATH = re.compile(r"m[^m]+")


class UndecidedError(Exception):
    """The page holds something the fast path does not read as pdfplumber would."""


def page_height(page: pdfium.PdfPage) -> float:
    """The page's height as pdfplumber measures it, if its boxes are plain (see UndecidedError)."""
    if page.get_rotation() != 0:
        raise UndecidedError("rotated page")
    media = page.get_mediabox()
    if media[0] != 0 or media[1] != 0:
        raise UndecidedError("media box not at the origin")
    if tuple(page.get_cropbox()) != tuple(media):
        raise UndecidedError("crop box differs from the media box")
    return float(media[3])


def page_edges(page: pdfium.PdfPage, height: float) -> list[Edge]:
    """Line edges, then rectangle edges, then curve edges (pdfplumber's `page.edges` order)."""
    lines: list[Edge] = []
    rects: list[Edge] = []
    curves: list[Edge] = []
    for obj, matrix in _paths(page.raw, IDENTITY, 0):
        path = _segments(obj, matrix)
        shape = "".join(op for op, _ in path)
        for m in _SUBPATH.finditer(shape):
            _classify(path[m.start() : m.end()], height, lines, rects, curves)
    return lines + rects + curves


IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_DEPTH = 8  # forms inside forms followed this deep; a deeper page is left to pdfplumber


def _paths(container: object, outer: Matrix, depth: int) -> Iterator[tuple[object, Matrix]]:
    """The path objects of a page, or of a form XObject on it, in content order, each with
    the matrix to page space. A form's paths are where pdfminer paints them too: its content
    run in place of the `Do`, through the form's matrix (pdfplumber's edges include them)."""
    if depth > MAX_DEPTH:
        raise UndecidedError("forms nested too deep")
    is_form = depth > 0
    count = (
        pdfium_c.FPDFFormObj_CountObjects(container)
        if is_form
        else pdfium_c.FPDFPage_CountObjects(container)
    )
    for k in range(count):
        obj = (
            pdfium_c.FPDFFormObj_GetObject(container, k)
            if is_form
            else pdfium_c.FPDFPage_GetObject(container, k)
        )
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield obj, _then(_matrix(obj), outer)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _paths(obj, _then(_matrix(obj), outer), depth + 1)


def _then(inner: Matrix, outer: Matrix) -> Matrix:
    """`inner` followed by `outer` (PDF's row-vector matrices: inner x outer)."""
    if outer == IDENTITY:
        return inner  # a page's own paths, and most forms: no arithmetic, no rounding
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _matrix(obj: object) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        raise UndecidedError("a path without a matrix")
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _segments(obj: object, matrix: Matrix) -> list[tuple[str, Point]]:
    """The path as pdfminer's operators (m, l, c, h), each with its end point in page space.

    pdfium stores a Bézier as three points (two controls and the end) and a closing `h` as a
    flag on the last point, having first added a line back to the start if the path was not
    there yet (pdfium's Handle_ClosePath); pdfminer sees one `c` and a bare `h`.
    """
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[tuple[str, Point]] = []
    start: Point = (0.0, 0.0)
    controls = 0
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            out.append(("m", point))
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            out.append(("l", point))
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            controls += 1
            if controls < 3:
                continue
            controls = 0
            out.append(("c", point))
        else:
            raise UndecidedError("a path segment of unknown type")
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            out.append(("h", start))
    if controls:
        raise UndecidedError("a Bézier segment cut short")
    return out


def _classify(
    path: list[tuple[str, Point]],
    height: float,
    lines: list[Edge],
    rects: list[Edge],
    curves: list[Edge],
) -> None:
    """One subpath as pdfminer's paint_path classes it, its edges added to the right list."""
    shape = "".join(op for op, _ in path)
    pts = [p for _, p in path]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in {"mlh", "ml"}:
        lines.append(_line_edge(pts[0], pts[1], height))
        return
    if shape in {"mlllh", "mllll"}:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if pts[0] == pts[4] and square:
            rects.extend(_rect_edges(pts[0], pts[2], height))
            return
    curves.extend(_curve_edges(pts, height))


def _box(p0: Point, p1: Point, height: float) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of two points, top measured from the page's top."""
    return (
        min(p0[0], p1[0]),
        height - max(p0[1], p1[1]),
        max(p0[0], p1[0]),
        height - min(p0[1], p1[1]),
    )


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str | None) -> Edge:
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
    }


def _line_edge(p0: Point, p1: Point, height: float) -> Edge:
    x0, top, x1, bottom = _box(p0, p1, height)
    return _edge(x0, top, x1, bottom, "h" if top == bottom else "v")  # pdfplumber's rule


def _rect_edges(p0: Point, p1: Point, height: float) -> list[Edge]:
    x0, top, x1, bottom = _box(p0, p1, height)
    return [
        _edge(x0, top, x1, top, "h"),
        _edge(x0, bottom, x1, bottom, "h"),
        _edge(x0, top, x0, bottom, "v"),
        _edge(x1, top, x1, bottom, "v"),
    ]


def _curve_edges(pts: list[Point], height: float) -> list[Edge]:
    out = []
    for (ax, ay), (bx, by) in itertools.pairwise(pts):
        x0, top, x1, bottom = _box((ax, ay), (bx, by), height)
        orientation = "v" if ax == bx else ("h" if ay == by else None)
        out.append(_edge(x0, top, x1, bottom, orientation))
    return out
