"""pdfplumber's table finder ("lines" strategy, default settings) with one step made cheap.

pdfplumber.table.intersections_to_cells rebuilds two sets of edge boxes at every pair of
points it compares, and scans all later points for each point: on a 自评表 page (150-200
crossings) that step was most of the finder's time. `cells` below is the same algorithm,
the same cells in the same order (tests/parsers/test_pdf_lattice.py holds it to
pdfplumber's on every fixture page), with each crossing's edge sets built once and the
points of each row and column listed once. Every other step is pdfplumber's own function.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from typing import Any

from pdfplumber.table import (
    Table,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    merge_edges,
)
from pdfplumber.utils.geometry import filter_edges, obj_to_bbox

Point = tuple[float, float]
Cell = tuple[float, float, float, float]
_SETTINGS = TableSettings()


def find_tables(page: Any) -> list[Table]:
    """pdfplumber's TableFinder(page).tables for a page that has `.edges`."""
    s = _SETTINGS
    prefilter = s.edge_min_length_prefilter
    edges = filter_edges(page.edges, "v", min_length=prefilter) + filter_edges(
        page.edges, "h", min_length=prefilter
    )
    edges = merge_edges(
        edges,
        snap_x_tolerance=s.snap_x_tolerance,
        snap_y_tolerance=s.snap_y_tolerance,
        join_x_tolerance=s.join_x_tolerance,
        join_y_tolerance=s.join_y_tolerance,
    )
    edges = filter_edges(edges, min_length=s.edge_min_length)
    crossings = edges_to_intersections(
        edges, s.intersection_x_tolerance, s.intersection_y_tolerance
    )
    return [Table(page, group) for group in cells_to_tables(cells(crossings))]


def cells(intersections: dict[Point, dict[str, list[Any]]]) -> list[Cell]:
    """pdfplumber.table.intersections_to_cells: for each crossing in sorted order, the
    smallest cell it opens at its top-left whose four sides are drawn."""
    vertical = {p: {obj_to_bbox(e) for e in es["v"]} for p, es in intersections.items()}
    horizontal = {p: {obj_to_bbox(e) for e in es["h"]} for p, es in intersections.items()}

    def connects(a: Point, b: Point) -> bool:
        if a[0] == b[0] and not vertical[a].isdisjoint(vertical[b]):
            return True
        return a[1] == b[1] and not horizontal[a].isdisjoint(horizontal[b])

    points = sorted(intersections)
    columns: dict[float, list[Point]] = defaultdict(list)
    rows: dict[float, list[Point]] = defaultdict(list)
    for p in points:  # each column top to bottom, each row left to right
        columns[p[0]].append(p)
        rows[p[1]].append(p)
    out: list[Cell] = []
    for pt in points:
        column, row = columns[pt[0]], rows[pt[1]]
        below = column[bisect_right(column, pt) :]
        right = row[bisect_right(row, pt) :]
        cell = _smallest(pt, below, right, intersections, connects)
        if cell is not None:
            out.append(cell)
    return out


def _smallest(
    pt: Point,
    below: list[Point],
    right: list[Point],
    intersections: dict[Point, Any],
    connects: Any,
) -> Cell | None:
    for down in below:
        if not connects(pt, down):
            continue
        for across in right:
            if not connects(pt, across):
                continue
            corner = (across[0], down[1])
            if corner in intersections and connects(corner, across) and connects(corner, down):
                return (pt[0], pt[1], corner[0], corner[1])
    return None
