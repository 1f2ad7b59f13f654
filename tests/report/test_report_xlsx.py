"""diff.xlsx opened with openpyxl: sheets, Chinese headers, frozen rows, formats, highlights."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.report import xlsx_links
from pipeline.report.write import write_report
from pipeline.report.xlsx import BAD, Column, Extras, write_sheet
from tests.report.test_report_fixtures import FORMULA, SCRIPT, build_dataset


@pytest.fixture
def workbook(tmp_path: Path) -> Workbook:
    out = tmp_path / "report"
    write_report(build_dataset(tmp_path / "data"), out)
    return load_workbook(out / "diff.xlsx")


def headers(ws: Worksheet) -> list[str]:
    return [str(c.value) for c in ws[1]]


def row_where(ws: Worksheet, header: str, value: str) -> int:
    col = headers(ws).index(header) + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=col).value == value:
            return r
    raise LookupError(f"no row with {header} = {value!r}")


def cell(ws: Worksheet, r: int, header: str) -> Cell:
    found = ws.cell(row=r, column=headers(ws).index(header) + 1)
    if not isinstance(found, Cell):
        raise TypeError(f"{header} row {r} is a merged cell")
    return found


def test_sheets_and_headers(workbook: Workbook) -> None:
    assert workbook.sheetnames == ["汇总", "问题清单", "指标明细", "自评表"]
    findings = workbook["问题清单"]
    assert headers(findings)[:4] == ["严重程度", "问题代码", "问题类型", "文档"]
    assert {"填报值", "复核值", "差异", "说明", "文件路径", "页码", "行号"} <= set(
        headers(findings)
    )
    assert {"一级指标", "三级指标", "得分(填报)", "得分(复核)"} <= set(
        headers(workbook["指标明细"])
    )
    assert {"总分(填报)", "总分(复核)", "全年预算数(元)"} <= set(headers(workbook["自评表"]))
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref or ws.tables, ws.title
        assert ws.column_dimensions["A"].width >= 8, ws.title  # sized to the text
    tables = {ws.title: list(ws.tables) for ws in workbook.worksheets}
    assert tables == {
        "汇总": [],
        "问题清单": ["findings"],
        "指标明细": ["indicators"],
        "自评表": ["eval_tables"],
    }
    assert {"单位", "年度", "省份", "地市", "区县", "行政区划代码"} <= set(headers(findings))
    assert {"年度", "省份", "行政区划代码"} <= set(headers(workbook["指标明细"]))


def test_findings_link_to_their_row_and_source(workbook: Workbook) -> None:
    findings = workbook["问题清单"]
    r = row_where(findings, "问题代码", "SCORE_MISMATCH")
    code = findings.cell(r, headers(findings).index("问题代码") + 1)
    assert code.hyperlink is not None
    sheet, _, place = str(code.hyperlink.location).partition("!")
    assert sheet == "'指标明细'"
    rows = workbook["指标明细"]
    assert rows[place].row > 1
    level3 = rows.cell(rows[place].row, headers(rows).index("三级指标") + 1).value
    assert level3 == findings.cell(r, headers(findings).index("三级指标") + 1).value
    path = findings.cell(r, headers(findings).index("文件路径") + 1)
    assert path.hyperlink is not None
    assert str(path.hyperlink.target).startswith("file:///")
    message = findings.cell(r, headers(findings).index("说明") + 1)
    assert message.alignment.wrap_text
    total = row_where(findings, "问题代码", "TOTAL_MISMATCH")  # about a table, not a row
    link = cell(findings, total, "问题代码").hyperlink
    assert link is not None and str(link.location).startswith("'自评表'!A")
    assert cell(findings, total, "三级指标").value is None  # empty, not the link's address


def test_summary_counts(workbook: Workbook) -> None:
    summary = {r[0]: r[1] for r in workbook["汇总"].iter_rows(values_only=True) if r[0]}
    assert summary["指标行 indicator rows"] == 3
    assert summary["问题 findings"] == 4
    assert summary["TOTAL_MISMATCH"] == 1


def test_findings_numbers_are_numbers(workbook: Workbook) -> None:
    ws = workbook["问题清单"]
    r = row_where(ws, "问题代码", "TOTAL_MISMATCH")
    assert (cell(ws, r, "填报值").value, cell(ws, r, "复核值").value) == (99.41, 99.53)
    assert cell(ws, r, "严重程度").fill.fill_type == "solid"  # errors stand out
    placeholder = row_where(ws, "问题代码", "PLACEHOLDER_FIELD")
    assert isinstance(cell(ws, placeholder, "填报值").value, str)


def test_mismatch_is_highlighted(workbook: Workbook) -> None:
    ws = workbook["指标明细"]
    r = row_where(ws, "三级指标", "融媒体宣传服务费")
    score = cell(ws, r, "得分(填报)")
    assert score.value == pytest.approx(6.88)
    assert score.fill.fgColor.rgb.endswith(BAD.fgColor.rgb[-6:])
    assert score.number_format == "#,##0.00"  # as diff.html and diff.md print it
    clean = cell(ws, row_where(ws, "三级指标", "科普活动场次"), "得分(填报)")
    assert clean.fill.fill_type is None
    tables = workbook["自评表"]
    total = cell(tables, row_where(tables, "项目名称", "科普经费"), "总分(填报)")
    assert total.fill.fill_type == "solid"
    money = cell(tables, row_where(tables, "项目名称", "科普经费"), "全年预算数(元)")
    assert money.number_format == "#,##0.00"
    rate = cell(tables, row_where(tables, "项目名称", "科普经费"), "执行率(复核)")
    assert rate.number_format == "0.00%"


def test_hostile_text_stays_text(workbook: Workbook) -> None:
    ws = workbook["指标明细"]
    r = row_where(ws, "一级指标", SCRIPT)
    target = cell(ws, r, "指标值(原文)")
    assert target.value == FORMULA
    assert target.data_type == "s"
    formulas = [
        c.coordinate
        for s in workbook.worksheets
        for row in s.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []


def test_links_kept_on_disk_reach_the_workbook(tmp_path: Path) -> None:
    """A sheet with no Excel Table (so no .rels part of openpyxl's) still gets its links
    out of the workbook, beside links to a place in it and a link in an empty cell."""
    wb = Workbook(write_only=True)
    cols = [Column("name", "名称"), Column("where", "位置")]
    rows: list[list[str | None]] = [["甲", "a.txt"], ["乙", None]]
    links = [{2: "file:///tmp/a.txt"}, {1: "#'表'!A1", 2: "https://example.org/b?x=1&y=2"}]
    write_sheet(wb, "表", cols, rows, extras=Extras(links=links))
    target = tmp_path / "links.xlsx"
    xlsx_links.save(wb, target)
    ws = load_workbook(target)["表"]
    found = [
        (c.coordinate, c.value, c.hyperlink.target, c.hyperlink.location)
        for row in ws.iter_rows(min_row=2)
        for c in row
        if c.hyperlink
    ]
    assert found == [
        ("B2", "a.txt", "file:///tmp/a.txt", None),
        ("A3", "乙", None, "'表'!A1"),
        ("B3", "https://example.org/b?x=1&y=2", "https://example.org/b?x=1&y=2", None),
    ]
