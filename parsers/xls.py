"""Excel 97-2003 `.xls` and WPS `.et` workbooks into the same grid as `.xlsx`.

xlrd reads the BIFF records itself and, with `formatting_info`, keeps what the grid needs:
merged ranges and each cell's number format (python-calamine keeps the merges but drops the
formats, so a stored 0.9963 could not print as the sheet's `99.63%`). The cells then go
through the XLSX reader's `sheet_table`, so both give the same rows. A workbook xlrd cannot
open (an `.et` in WPS's own format, a damaged file) is converted to XLSX by LibreOffice
(parsers/office.py) and read as one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

import xlrd
from xlrd.biffh import XLRDError
from xlrd.compdoc import CompDocError
from xlrd.sheet import Sheet

from parsers import office, xlsx
from schemas import Document, ParseError, Table

VERSION = f"xls/1+{xlsx.VERSION}"


@dataclass(frozen=True, slots=True)
class _Cell:
    """What `xlsx.sheet_table` reads of a cell: openpyxl's `value` and `number_format`."""

    value: object
    number_format: str


def kind(path: str) -> str:
    return "et" if PurePath(path).suffix.lower() == ".et" else "xls"


def read(data: bytes, path: str, doc_id: str) -> Document:
    fmt = kind(path)
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except (XLRDError, CompDocError, AssertionError, ValueError, IndexError, KeyError, EOFError):
        converted = office.convert(data, fmt, "xlsx", path, source="MS Excel 97")
        doc = xlsx.read(converted, path, doc_id)
        return dataclasses.replace(doc, format=fmt, parser_version=VERSION)
    try:
        tables = [t for i in range(book.nsheets) if (t := _sheet(book, book.sheet_by_index(i)))]
    except (XLRDError, AssertionError, ValueError, IndexError, KeyError) as exc:
        raise ParseError(f"{path}: damaged .{fmt} workbook ({exc})") from exc
    finally:
        book.release_resources()
    return Document(
        path=path, doc_id=doc_id, format=fmt, blocks=tuple(tables), parser_version=VERSION
    )


def _sheet(book: xlrd.Book, sheet: Sheet) -> Table | None:
    merges = [(c0 + 1, r0 + 1, c1, r1) for r0, r1, c0, c1 in sheet.merged_cells]
    return xlsx.sheet_table(_rows(book, sheet), sheet.name, merges)


def _rows(book: xlrd.Book, sheet: Sheet) -> Iterator[tuple[object, ...]]:
    for r in range(sheet.nrows):
        yield tuple(_cell(book, sheet, r, c) for c in range(sheet.row_len(r)))


def _cell(book: xlrd.Book, sheet: Sheet, r: int, c: int) -> _Cell:
    cell = sheet.cell(r, c)
    kind = cell.ctype
    value: object = cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        value = None
    elif kind == xlrd.XL_CELL_BOOLEAN:
        value = bool(value)
    elif kind == xlrd.XL_CELL_DATE:
        value = xlrd.xldate_as_datetime(float(cell.value), book.datemode)
    fmt = "General"
    if kind == xlrd.XL_CELL_NUMBER and cell.xf_index is not None:
        found = book.format_map.get(book.xf_list[cell.xf_index].format_key)
        fmt = found.format_str if found else "General"
    return _Cell(value, fmt)
