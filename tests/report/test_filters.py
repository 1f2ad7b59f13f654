"""The findings list's drop-downs: one per attribute while a list is a way to choose; past
MAX_OPTIONS distinct values (every document of a large folder) the search box is the filter,
and the names are not kept (the report's memory would grow with the dataset)."""

from __future__ import annotations

from pathlib import Path

from pipeline.report import html as report_html
from pipeline.report.model import FindingView
from pipeline.report.summary import MAX_OPTIONS, Summary
from tests.report.test_report_fixtures import finding


def _view(n: int, unit: str) -> FindingView:
    row = finding(f"f{n}", f"doc{n}", "SCORE_MISMATCH", "error")
    return FindingView(row, "得分不符", f"报告{n:05d}.pdf", unit, "", "", "")


def test_a_drop_down_lists_values_until_there_are_too_many(tmp_path: Path) -> None:
    summary = Summary(tmp_path)
    summary.add_findings([_view(n, "甲单位" if n % 2 else "乙单位") for n in range(MAX_OPTIONS)])
    assert summary.options("document") == [f"报告{n:05d}.pdf" for n in range(MAX_OPTIONS)]
    summary.add_findings([_view(MAX_OPTIONS, "甲单位")])
    assert summary.options("document") is None  # one more than a list should hold
    summary.add_findings([_view(MAX_OPTIONS + 1, "甲单位")])
    assert summary.options("document") is None
    assert summary.options("unit") == ["乙单位", "甲单位"]
    assert summary.options("code") == ["SCORE_MISMATCH"]
    page = report_html.render(summary, [], [])
    assert 'id="filter-document"' not in page
    assert 'id="filter-unit"' in page and '<option value="甲单位">' in page
    assert 'id="findings-search"' in page  # the way to find a document is still there
