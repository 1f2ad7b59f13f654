"""One number formatter (pipeline/report/numbers.py): a stored value prints the same in
diff.html, diff.md and diff.xlsx. The Excel side is checked by LibreOffice rendering the
workbook's cells as shown, not by reading our own format strings back."""

from __future__ import annotations

import csv
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from parsers import office
from pipeline.report import numbers
from pipeline.report.write import write_report
from pipeline.report.xlsx import Column, write_sheet
from tests.report.test_report_fixtures import build_dataset
from tests.report.test_report_xlsx import cell, row_where

FORMATS = {
    "score": numbers.SCORE,
    "money": numbers.MONEY,
    "yuan": numbers.YUAN,
    "rate": numbers.RATE,
    "general": numbers.GENERAL,
    "integer": numbers.INTEGER,
}
VALUES = [0, 6.88, 1234.5, 1234567.891, -0.001, 0.928, 12.3456, 10, 2.5, 99.995, 0.3333, 2.675]


def test_formats_print_as_auditors_read() -> None:
    printed = {
        name: [f.text(v) for v in (1234.5, 0.928, 2.5, -0.001)] for name, f in FORMATS.items()
    }
    assert printed == {
        "score": ["1,234.50", "0.93", "2.50", "0.00"],
        "money": ["1,234.50", "0.928", "2.50", "-0.001"],
        "yuan": ["1,234.50", "0.93", "2.50", "0.00"],
        "rate": ["123450.00%", "92.80%", "250.00%", "-0.10%"],
        "general": ["1234.5", "0.928", "2.5", "-0.001"],
        "integer": ["1235", "1", "3", "0"],  # half away from zero, as Excel shows
    }
    assert {name: f.excel for name, f in FORMATS.items()} == {
        "score": "#,##0.00",
        "money": "#,##0.00##",
        "yuan": "#,##0.00",
        "rate": "0.00%",
        "general": "General",
        "integer": "0",
    }
    assert numbers.fmt(None, "total_stated") == "" and numbers.fmt(Decimal("1e6"), "x_yuan") == (
        "1,000,000.00"
    )
    assert numbers.fmt(2024, "year") == "2024" and numbers.fmt(1e300, "weight") == "1E+300"


@pytest.mark.skipif(office.executable() is None, reason="LibreOffice (soffice) is not installed")
def test_excel_shows_what_html_and_markdown_print(tmp_path: Path) -> None:
    workbook = Workbook(write_only=True)
    cols = [Column(n, n, None if f.general else f.excel) for n, f in FORMATS.items()]
    write_sheet(workbook, "numbers", cols, [[v] * len(cols) for v in VALUES])
    workbook.save(tmp_path / "numbers.xlsx")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            *("soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to"),
            # CSV with each cell "as shown" (token 9), UTF-8 (76)
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
            *("--outdir", str(tmp_path), str(tmp_path / "numbers.xlsx")),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with (tmp_path / "numbers.csv").open(encoding="utf-8") as shown:
        rows = list(csv.reader(shown))[1:]
    assert rows == [[f.text(v) for f in FORMATS.values()] for v in VALUES]


def test_the_same_value_prints_the_same_everywhere(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report(build_dataset(tmp_path / "data"), out)
    markdown = (out / "diff.md").read_text(encoding="utf-8")
    html = "".join(p.read_text(encoding="utf-8") for p in sorted((out / "docs").glob("*.html")))
    workbook = load_workbook(out / "diff.xlsx")
    tables, rows = workbook["自评表"], workbook["指标明细"]
    table = row_where(tables, "项目名称", "科普经费")
    row = row_where(rows, "三级指标", "融媒体宣传服务费")
    checked = [
        (tables, table, "总分(填报)", "total_stated", "99.41"),
        (tables, table, "总分(复核)", "total_recomputed", "99.53"),
        (rows, row, "得分(填报)", "score_stated", "6.88"),
        (rows, row, "分值", "weight", "7"),
    ]
    for sheet, r, header, column, printed in checked:
        found = cell(sheet, r, header)
        assert isinstance(found.value, int | float), column  # a number Excel sums, not text
        assert numbers.fmt(found.value, column) == printed, column
        fmt = numbers.format_of(column)
        assert found.number_format == fmt.excel, column  # Excel shows `printed` (test above)
        assert printed in markdown, column
        assert f">{printed}<" in html or f">{printed} " in html or f"{printed}</b>" in html, column
