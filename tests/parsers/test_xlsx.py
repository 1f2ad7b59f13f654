"""XLSX reader: a sheet's used range as a table, merged ranges as spans, values as shown."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from parsers import office, parse, parse_bytes
from schemas import ParseError, Table, UnsupportedFormatError

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"


def spans(table: Table) -> list[list[tuple[str, int, int, int, int]]]:
    return [[(c.text, c.row, c.col, c.rowspan, c.colspan) for c in row] for row in table.rows]


def test_seed_sheets_merged_ranges_become_spans() -> None:
    doc = parse(FORMATS / "seed004.xlsx")
    tables = list(doc.tables())
    assert [t.source for t in tables] == ["部门整体"] + [f"项目{k}" for k in range(1, 9)]
    grid = spans(tables[1])
    assert grid[0] == [("项目支出绩效自评表", 0, 0, 1, 9)]  # title merged across the sheet
    assert grid[2] == [("项目名称", 2, 0, 1, 2), ("科普经费", 2, 2, 1, 7)]
    assert grid[4][0] == ("项目资金 （万元）", 4, 0, 4, 1)
    assert grid[5][0] == ("年度资金总额", 5, 1, 1, 2)
    assert grid[11][:3] == [
        ("年度绩效指标完成情况", 11, 0, 11, 1),
        ("产出指标", 11, 1, 6, 1),
        ("数量指标", 11, 2, 3, 1),
    ]
    assert grid[11][5] == ("=462人", 11, 5, 1, 1)  # text that looks like a formula
    assert tables[1].rows[11][0].line == 12  # the worksheet row


def build(fill: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    fill.save(out)
    return out.getvalue()


def test_numbers_as_displayed_and_range_trimmed() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "表1"
    ws["C3"], ws["D3"], ws["E3"] = "执行率", 0.9963, 1632.63
    ws["D3"].number_format = "0.00%"
    ws["E3"].number_format = "#,##0.00"
    ws["C4"], ws["D4"], ws["E4"] = "分值", 10, 4.53
    ws["C5"] = "合计"
    ws.merge_cells("C5:E6")
    table = next(parse_bytes(build(wb), "n.xlsx").tables())
    assert table.source == "表1"
    assert spans(table) == [
        [("执行率", 0, 0, 1, 1), ("99.63%", 0, 1, 1, 1), ("1,632.63", 0, 2, 1, 1)],
        [("分值", 1, 0, 1, 1), ("10", 1, 1, 1, 1), ("4.53", 1, 2, 1, 1)],
        [("合计", 2, 0, 2, 3)],
        [],
    ]


def test_empty_sheet_gives_no_table() -> None:
    wb = openpyxl.Workbook()
    wb.create_sheet("空")
    assert list(parse_bytes(build(wb), "e.xlsx").tables()) == []


def test_corrupt_xlsx_names_the_file() -> None:
    wb = openpyxl.Workbook()
    data = build(wb).replace(b"xl/workbook.xml", b"xl/workbook.xmX", 1)
    with pytest.raises((ParseError, UnsupportedFormatError), match=r"^bad\.xlsx: "):
        parse_bytes(data, "bad.xlsx")


@pytest.mark.skipif(office.executable() is None, reason="LibreOffice is not installed")
def test_a_broken_legacy_xls_is_an_error() -> None:
    """What xlrd cannot open goes to LibreOffice's Excel 97 filter (not its text import)."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(ParseError, match=r"old\.xls: LibreOffice could not convert it"):
        parse_bytes(ole, "old.xls")
