"""Excel .xlsx workbooks: each worksheet's used range becomes one table, named by its sheet.

Values stream through openpyxl's read-only mode (constant memory whatever the sheet size).
That mode does not expose merged ranges, so they are read from each sheet's `<mergeCells>`
directly; a merged range becomes one cell at its top-left with its spans (Excel keeps the
value only there). Numbers are written back as the sheet displays them where the format says
how (`0.00`, `#,##0.00`, `0.0%`), since a printed `99.63%` and a stored `0.9963` must read
alike. `line` holds the worksheet row number, `where` the cell reference (`Sheet1!F12`),
`Table.source` the sheet name; no pages.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.etree.ElementTree import ParseError as XMLParseError

import openpyxl
from lxml import etree
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from parsers.limits import check_cells
from schemas import Cell, Document, ParseError, Table

VERSION = "xlsx/2"

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BROKEN = (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, XMLParseError)


def read(data: bytes, path: str, doc_id: str) -> Document:
    try:
        merges = merged_ranges(data)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            tables = [
                t
                for ws in workbook.worksheets
                if (t := sheet_table(ws.iter_rows(), ws.title, merges.get(ws.title, [])))
            ]
        finally:
            workbook.close()
    except (InvalidFileException, etree.XMLSyntaxError, *_BROKEN) as exc:
        raise ParseError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    return Document(
        path=path, doc_id=doc_id, format="xlsx", blocks=tuple(tables), parser_version=VERSION
    )


Bounds = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row, 1-based inclusive


def merged_ranges(data: bytes) -> dict[str, list[Bounds]]:
    """Sheet name -> its merged ranges, read from the package (workbook -> rels -> sheets)."""
    out: dict[str, list[Bounds]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_PKG_REL + "Relationship")}
        book = etree.fromstring(zf.read("xl/workbook.xml"))
        for sheet in book.iter(_MAIN + "sheet"):
            target = targets.get(sheet.get(_REL + "id"), "")
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if member not in zf.namelist():
                continue
            with zf.open(member) as src:
                refs = [
                    el.get("ref", "") for _, el in etree.iterparse(src, tag=_MAIN + "mergeCell")
                ]
            out[sheet.get("name", "")] = [_bounds(ref) for ref in refs if ":" in ref]
    return out


def _bounds(ref: str) -> Bounds:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return (min_col or 1, min_row or 1, max_col or 1, max_row or 1)


@dataclass(frozen=True)
class _Value:
    row: int  # 1-based sheet coordinates
    col: int
    text: str


def _values(rows: Iterator[tuple[object, ...]]) -> Iterator[_Value]:
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row, start=1):
            value = getattr(cell, "value", None)
            if value is not None:
                text = display(value, str(getattr(cell, "number_format", "General")))
                if text:
                    yield _Value(r, c, text)


def sheet_table(
    rows: Iterator[tuple[object, ...]], name: str, merges: list[Bounds]
) -> Table | None:
    """The sheet's used range (trimmed to cells with text or merges) as a grid, or None."""
    values = {(v.row, v.col): v.text for v in _values(rows)}
    if not values:
        return None
    area = sum((m[3] - m[1] + 1) * (m[2] - m[0] + 1) for m in merges)
    check_cells(area, f"merged cells of sheet {name!r}")  # before the covered set is built
    spans = {(m[1], m[0]): (m[3] - m[1] + 1, m[2] - m[0] + 1) for m in merges}
    covered = {
        (r, c)
        for (r0, c0), (rs, cs) in spans.items()
        for r in range(r0, r0 + rs)
        for c in range(c0, c0 + cs)
        if (r, c) != (r0, c0)
    }
    top, left = min(r for r, _ in values), min(c for _, c in values)
    bottom = max(r for r, _ in values)
    right = max(c for _, c in values)
    for (r0, c0), (rs, cs) in spans.items():
        if (r0, c0) in values:  # a merge widens the used range only when it holds text
            bottom, right = max(bottom, r0 + rs - 1), max(right, c0 + cs - 1)
    check_cells((bottom - top + 1) * (right - left + 1), f"sheet {name!r}")
    grid: list[list[Cell]] = []
    for r in range(top, bottom + 1):
        cells = []
        for c in range(left, right + 1):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            where = f"{name}!{get_column_letter(c)}{r}"
            text = values.get((r, c), "")
            cells.append(Cell(text, r - top, c - left, rs, cs, line=r, where=where))
        grid.append(cells)
    return Table(rows=tuple(tuple(row) for row in grid), source=name)


def display(value: object, number_format: str) -> str:
    """A cell value as the sheet shows it (number formats honoured where they are plain)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number(float(value), number_format)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    lines = str(value).replace("\r\n", "\n").split("\n")
    return "\n".join(s for s in (line.strip() for line in lines) if s)


def _number(value: float, fmt: str) -> str:
    fmt = fmt.split(";", maxsplit=1)[0]
    percent = "%" in fmt
    if percent:
        value *= 100
    if "0" not in fmt:  # General or text: shortest faithful form, no trailing .0
        text = f"{value:.15g}"
    else:
        fraction = fmt.split(".", 1)[1] if "." in fmt else ""
        decimals = len(fraction) - len(fraction.lstrip("0#"))
        text = f"{value:,.{decimals}f}" if "," in fmt else f"{value:.{decimals}f}"
    return text + "%" if percent else text
