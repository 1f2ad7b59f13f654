"""Indicator rows of a true grid, read by the role its header gives each column.

The header (one printed row, or two where 预期指标值 and 自评得分 carry sub-headers) maps every
column to a role (`headers.header_roles`), so columns are found by meaning in any order and
any family; the cells no main field takes are kept by role in `RawIndicator.extra`. Row kinds
(其中 sub-rows, one score per 二级 group) are settled as for text (`rowkinds`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

import regex

from pipeline import lexicon
from pipeline.extract import headers as h
from pipeline.extract.located import (
    PAGE_MARK,
    LocatedTable,
    RawIndicator,
    Text,
    WeightSource,
    continues_table,
    joined_target,
    set_total,
    set_totals_in_order,
)
from pipeline.extract.rowkinds import settle_kinds
from pipeline.extract.values import parse_number, weight_in_label
from schemas.ir import BBox


class HeaderRow(Protocol):
    """What reading a header needs of a row: its cells (spans repeated), and whether it is
    a paragraph between rows."""

    @property
    def cells(self) -> tuple[str, ...]: ...
    @property
    def paragraph(self) -> bool: ...


class GridRow(HeaderRow, Protocol):
    """What the grid reader needs of a row (`locate.Row`)."""

    @property
    def covered(self) -> int: ...
    def text(self, i: int | None, *, inherit: bool = False) -> str: ...
    def at(self, i: int | None, *, inherit: bool = False) -> Text | None: ...
    def nonempty(self) -> list[int]: ...
    @property
    def page(self) -> int | None: ...
    @property
    def line(self) -> int | None: ...
    @property
    def where(self) -> str | None: ...
    def bbox(self, name: BBox | None = None) -> BBox | None: ...


# Roles the main fields of a row take; every other role's cell goes to `extra`.
_MAIN = frozenset({"level1", "level2", "level3", "target", "actual", "weight", "score", "basis",
                   "reason", "seq"})  # fmt: skip
_TARGET_PARTS: tuple[h.ColumnRole, ...] = ("target_op", "target_value", "target_unit")
_GRADE = regex.compile("^(" + "|".join(sorted(lexicon.grade_words(), key=len, reverse=True)) + ")$")


def is_indicator_header(row: HeaderRow, below: HeaderRow | None = None) -> bool:
    """Whether `row` is an indicator block's header: a name column and a value column, read
    with the rests of its cells wrapped into the row `below` (`三级` / `指标`) unless that
    row is the header itself."""
    if row.paragraph:
        return False
    cells = row.cells
    if below is not None and not below.paragraph and not is_indicator_header(below):
        cells = _wraps_joined(cells, below.cells)[0]
    columns = h.map_columns(list(cells), h.INDICATOR_COLUMNS)
    return "level3" in columns and bool(
        {"target", "actual", "score", "weight", "target_value", "score_item"} & columns.keys()
    )


def read_header(rows: Sequence[HeaderRow]) -> h.HeaderRoles:
    """The roles of the header at rows[0], with the row under it when it is a sub-header or
    only the rest of header cells wrapped over two lines."""
    top = rows[0].cells
    if len(rows) > 1 and not rows[1].paragraph:
        joined, sub = _wraps_joined(top, rows[1].cells)
        if h.is_sub_header(joined, sub):
            return h.header_roles(joined, sub)
        # a second line of rests alone (a cell spanning both rows repeats its text there)
        rests = all(not h.key(b) or (i < len(top) and h.key(b) == h.key(joined[i]))
                    for i, b in enumerate(sub))  # fmt: skip
        if rests and joined != top:
            return dataclasses.replace(h.header_roles(joined), depth=2)
    return h.header_roles(top)


def _wraps_joined(
    top: Sequence[str], sub: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`top` and `sub` with each cell of `sub` that is the rest of the header cell above it
    (a table without lines keeps a wrapped header cell's lines apart: `自评得` / `分`) moved
    up: joined, the two name a role the upper part does not, or neither names one. A rest
    that adds nothing to the role (`偏差原因分析及改进` / `措施`) is moved up only when the
    row holds no indicator name: a first data row's cells join their headers as well."""
    up, down = list(top), list(sub)
    same: list[int] = []
    for i, (above, below) in enumerate(zip(top, sub, strict=False)):
        if not h.key(above) or not h.key(below) or h.key(above) == h.key(below):
            continue
        whole, part = h.role_of(above + below), h.role_of(above)
        if whole != part or (whole is None and h.role_of(below) is None):
            up[i], down[i] = above + below, ""
        elif h.role_of(below, part) is None:
            same.append(i)
    names = [i for i, cell in enumerate(up) if h.role_of(cell) == "level3" and i < len(down)]
    if names and not any(h.key(down[i]) for i in names):
        for i in same:
            up[i], down[i] = up[i] + down[i], ""
    return tuple(up), tuple(down)


def read_indicators(rows: Sequence[GridRow], table: LocatedTable) -> None:
    """Rows under the header at rows[0], up to the 总分 row or the first paragraph after
    rows; ragged rows and rows without a name are kept raw in `table.unparsed`."""
    header = read_header(rows)
    table.form_family, table.roles = header.family, header.roles
    level1: Text | None = None
    level2: Text | None = None
    rows_over = False
    for row in rows[header.depth :]:
        if row.paragraph:
            if table.indicators and not _page_break(row):
                break
            continue
        if _first_is(row, h.TOTAL_LABELS):
            _read_total(row, header, table)
            break
        if rows_over or _first_is(row, h.AFTER_ROWS_LABELS):
            rows_over = True  # 其他需要说明事项, 评价结论 …: only the total may follow
            continue
        if is_indicator_header(row):
            continue  # a header repeated after a page break
        new1 = row.at(header.column("level1"), inherit=True)
        new2 = row.at(header.column("level2"), inherit=True)
        if new1 is not None and (level1 is None or new1.text != level1.text):
            level1, level2 = new1, None
        if new2 is not None:
            level2 = new2
        indicator = _indicator(row, header, level1, level2)
        if indicator is None:
            continue
        if indicator.level3 is None or row.covered != rows[0].covered or _crowded(row, header):
            # a ragged row (cells lost or rows run together in export), one without a name,
            # or one with two texts under one header: its cells are not where the header
            # says, so they are not guessed at
            table.unparsed.append(Text(" | ".join(c for c in row.cells if c), row.page, row.line))
        else:
            table.indicators.append(indicator)
    settle_kinds(table, header.family)


def _indicator(
    row: GridRow, header: h.HeaderRoles, level1: Text | None, level2: Text | None
) -> RawIndicator | None:
    cells = _cells_by_role(row, header)
    name = cells.get("level3")
    valued = {k for k in cells if k not in ("level1", "level2", "level3", "seq")}
    if not valued and (name is None or h.is_placeholder(name.text)):
        return None  # a label-only or empty template row (指标2:, ……)
    weight, score, source = _weight_and_score(cells, header.family)
    extra = {k: v for k, v in cells.items() if k not in _MAIN}
    if header.family == "weighted_conversion" and "weight" in cells and source == "share":
        extra["weight"] = cells["weight"]  # 指标分值 beside 权重占比: kept, not the weight
    return RawIndicator(
        level1=level1,
        level2=level2,
        level3=name,
        target=cells.get("target") or joined_target(*(cells.get(k) for k in _TARGET_PARTS)),
        actual=cells.get("actual"),
        weight=weight,
        score=score,
        basis=cells.get("basis"),
        reason=cells.get("reason"),
        page=row.page,
        line=name.line if name is not None else row.line,
        where=(name.where if name is not None else None) or row.where,
        bbox=row.bbox(name.bbox if name is not None else None),
        extra=extra,
        confidence=0.8 if header.family == "unknown" else 1.0,
        weight_source=source,
    )


def _cells_by_role(row: GridRow, header: h.HeaderRoles) -> dict[h.ColumnRole, Text]:
    """Each role's non-blank cell; of several 复核分 / 县级 / 市级 columns, the last filled."""
    cells: dict[h.ColumnRole, Text] = {}
    for i, role in enumerate(header.roles):
        cell = row.at(i)
        if role is None or cell is None or not cell.text.strip():
            continue
        if role not in cells or role == "score_review":
            cells[role] = cell
    return cells


def _crowded(row: GridRow, header: h.HeaderRoles) -> bool:
    """Two different texts in the columns of one role (a header cell spanning columns over
    cells it does not name: `年度指标值` over 指标性质 | 指标值 in a table that lost its
    lines): one role would keep one of them and drop the other."""
    seen: dict[h.ColumnRole, str] = {}
    for i, role in enumerate(header.roles):
        cell = row.at(i)
        if role is None or role == "score_review" or cell is None or not cell.text.strip():
            continue
        if seen.setdefault(role, cell.text) != cell.text:
            return True
    return False


def _weight_and_score(
    cells: dict[h.ColumnRole, Text], family: h.FormFamily
) -> tuple[Text | None, Text | None, WeightSource]:
    """The row's weight and self score. 河北: the weight is 权重占比 and the score the 折算得分
    (单项得分 × 权重占比); a weight printed only in the name (`(4分)`) is the weight."""
    weight, score = cells.get("weight"), cells.get("score")
    source: WeightSource = "column" if weight is not None else "none"
    if family == "weighted_conversion":
        if "weight_share" in cells:
            weight, source = cells["weight_share"], "share"
        score = cells.get("score_converted") or score or cells.get("score_item")
    name = cells.get("level3")
    if weight is None and name is not None:
        _, in_label = weight_in_label(name.text)
        if in_label is not None:
            weight, source = Text(f"{in_label:f}", name.page, name.line), "label"
    return weight, score, source


def _page_break(row: GridRow) -> bool:
    """A page number or running header (`- 3 -`, `6`, 续表, `绩效自评表（续）`) between rows:
    the table goes on on the next page."""
    text = row.cells[0].strip() if row.cells else ""
    return (
        not text
        or bool(PAGE_MARK.match(text))
        or (text.isdigit() and len(text) <= 3)
        or (continues_table(text))
    )


def _first_is(row: GridRow, labels: tuple[str, ...]) -> bool:
    cells = row.nonempty()
    return bool(cells) and h.is_label(row.cells[cells[0]], labels)


def _read_total(row: GridRow, header: h.HeaderRoles, table: LocatedTable) -> None:
    """Numbers right of the 总分 label. A number under the score, weight or review column
    is that total; numbers elsewhere are weight then score, in order (`set_total`)."""
    cells = row.nonempty()[1:]
    numbers = [i for i in cells if parse_number(row.cells[i]) is not None]
    by_role = {
        _TOTAL_OF.get(header.roles[i]) if i < len(header.roles) else None: i for i in numbers
    }
    placed = [i for role, i in by_role.items() if role is not None]
    if "score" in by_role or "review" in by_role:
        rest = [row.cells[i] for i in numbers if i not in placed]
        table.total_score = row.cells[by_role["score"]] if "score" in by_role else None
        table.total_weight = row.cells[by_role["weight"]] if "weight" in by_role else None
        if table.total_weight is None and rest:
            table.total_weight = rest[0]
        if "review" in by_role:
            table.total_review = row.cells[by_role["review"]]
    elif "score_review" in header.roles:  # 合计 | 97 | 95: self score, then review score
        set_totals_in_order(table, [row.cells[i] for i in numbers], header.roles, parse_number)
    else:
        set_total(table, [row.cells[i] for i in numbers], parse_number)
    table.grade = next((row.cells[i] for i in cells if _GRADE.match(row.cells[i].strip())), None)


_TOTAL_OF: dict[h.ColumnRole | None, str] = {
    "score": "score", "score_converted": "score", "weight": "weight", "weight_share": "weight",
    "score_review": "review",
}  # fmt: skip
