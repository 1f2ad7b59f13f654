"""A generated 自评表: the grid as drawn (cells with spans) and the truth a reader should report.

The grid is the one source every rendering starts from: the text degradations flatten it the
way converters do, the grid formats (DOCX, XLSX, HTML, PDF) draw it with real merges. The truth
holds every value exactly as printed (`None` where a cell is blank), like the hand annotations
of shared/realworld read by bench/realworld_eval.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Cell:
    """One drawn cell: its text (lines split by `\\n` are a wrapped cell) and its place."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class TruthRow:
    """One indicator row as a reader should report it: every field as printed.

    `target` of a split target (指标性质 · 指标值 · 度量单位) is its non-blank cells joined by a
    space; `extra` holds the family's extra columns (复核分, 权重占比, 得分系数 …) by role name.
    """

    level1: str | None
    level2: str | None
    level3: str
    target: str | None
    actual: str | None
    weight: str | None
    score: str | None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Budget:
    """The 项目资金 block as printed (amounts in the printed unit, rate as printed)."""

    full_year: str
    executed: str
    weight: str | None
    exec_rate: str | None
    score: str | None
    unit: str


@dataclass
class Form:
    """One generated table: titles printed above it, a `width`-column grid, and its truth."""

    family: str
    titles: list[str]
    width: int
    n_rows: int
    cells: list[Cell]
    rows: list[TruthRow]
    budget: Budget | None
    total: str | None
    first_indicator_row: int  # grid row of the first indicator (page cuts fall after it)

    def grid_rows(self) -> list[list[Cell]]:
        """The cells that start in each grid row, left to right."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[cell.row].append(cell)
        return out

    def truth(self) -> dict[str, Any]:
        """The truth as JSON (the shape of shared/realworld/*.truth.json, plus the family)."""
        return {
            "family": self.family,
            "budget": asdict(self.budget) if self.budget else None,
            "stated_total": self.total,
            "indicators": [asdict(r) for r in self.rows],
        }


class GridBuilder:
    """Lays out a form row by row: each row a list of (text, colspan); `ABOVE` as the text
    merges the cell into the one above it (a vertical merge, like Word's vMerge)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.cells: list[Cell] = []
        self.n_rows = 0
        self._open: dict[tuple[int, int], int] = {}  # (col, colspan) -> index in cells

    def row(self, entries: Sequence[tuple[str | None, int]]) -> int:
        """Append one grid row; returns its index. The spans must fill the width."""
        r = self.n_rows
        if sum(span for _, span in entries) != self.width:
            raise ValueError(f"row {r} spans {entries} do not fill {self.width} columns")
        col = 0
        for text, span in entries:
            key = (col, span)
            if text is None and key in self._open:
                k = self._open[key]
                above = self.cells[k]
                self.cells[k] = Cell(above.text, above.row, col, above.rowspan + 1, span)
            else:
                for other in [k for k in self._open if k[0] < col + span and col < sum(k)]:
                    del self._open[other]  # a new cell ends any merge chain under it
                self._open[key] = len(self.cells)
                self.cells.append(Cell(text or "", r, col, 1, span))
            col += span
        self.n_rows += 1
        return r

    def fill(self, label: str, value: str) -> int:
        """A label cell and one value cell spanning the rest of the row."""
        return self.row([(label, 1), (value, self.width - 1)])


ABOVE: None = None
