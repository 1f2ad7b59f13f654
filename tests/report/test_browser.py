"""diff.html in a real browser: headless Debian Chromium driven by Playwright.

The report is built from the seed reports (through `ziping ingest`) plus a hostile document
whose cells are `<script>`, `<img onerror>` and `javascript:` links. The test filters the
findings table by code and severity, sorts it, checks that no script from the data ran,
and leaves screenshots under the test's temp dir.

Chromium is Debian's package (`apt-get install -y chromium`, which `.ci/run` installs);
Playwright never downloads a browser here. A missing Chromium fails the test with that
instruction rather than skipping it, so CI cannot go green without having looked.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Dialog, Page, Request

from pipeline.cli import main
from pipeline.dataset import load as dataset
from pipeline.dataset import store
from pipeline.report.write import write_report
from tests.report.test_report_fixtures import (
    IMG,
    SCRIPT,
    document,
    eval_table,
    finding,
    hostile_rows,
    write,
)

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


UNREAD_CELLS = (
    "指标名称 指标值 实际完成值 " + "计划完成情况良好，未见异常，" * 60
)  # ~800 characters


def unread_table() -> dict[str, list[Any]]:
    """A table cut off mid-way: weights add up to 70 and its cells fit no row (TABLE_UNPARSED
    puts the whole unread text in one finding: the cell that once made the page 9,166 px)."""
    doc_id = "e" * 64
    table_id = f"{doc_id[:12]}-t01"
    return {
        "documents": [document(doc_id, "reports/截断的报告.txt", org="某县财政局")],
        "eval_tables": [
            eval_table(table_id, doc_id, weight_sum=70.0, total_stated=95.0, total_recomputed=60.0)
        ],
        "findings": [
            finding(
                f"{table_id}.TABLE_UNPARSED",
                doc_id,
                "TABLE_UNPARSED",
                "warning",
                table_id=table_id,
                stated=UNREAD_CELLS,
                message="表格未能读取: " + UNREAD_CELLS,
            ),
        ],
    }


def chromium() -> str:
    """Path of Debian's Chromium (or $ZIPING_CHROMIUM); fails, never skips, when absent."""
    candidate = os.environ.get("ZIPING_CHROMIUM") or shutil.which("chromium") or ""
    if not candidate or not Path(candidate).exists():
        pytest.fail(
            "headless Chromium not found: install Debian's package with "
            "`apt-get update && apt-get install -y chromium` (.ci/run does this), "
            "or point ZIPING_CHROMIUM at a Chromium binary"
        )
    return candidate


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    data = root / "data"
    result = CliRunner().invoke(main, ["ingest", str(RAW), "--out", str(data), "--quiet"])
    assert result.exit_code == 0, result.output
    tables = hostile_rows()
    unread = unread_table()
    for name in ("documents", "eval_tables", "findings"):
        tables[name].extend(unread[name])
    for name, rows in tables.items():
        if name != "claims" or "claims" in dataset.present(data):
            write(data, name, rows)  # part-0.parquet beside the ingested parts
    committed = store.read_manifest(data)  # and named in the manifest, so readers see them
    files = {t: [*committed.files.get(t, []), "part-0.parquet"] for t in hostile_rows()}
    store.write_manifest(data, dataclasses.replace(committed, files={**committed.files, **files}))
    write_report(data, root / "report")
    return root / "report" / "diff.html"


@pytest.fixture
def page(browser: Browser, report_html: Path) -> Iterator[tuple[Page, list[str]]]:
    """The report opened from disk; the list collects any dialog a script tried to open.

    The page must load nothing but itself: every request other than the file is a failure.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    dialogs: list[str] = []
    requests: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request: Request) -> None:
        requests.append(request.url)

    opened.on("dialog", on_dialog)
    opened.on("request", on_request)
    opened.goto(report_html.as_uri())
    yield opened, dialogs
    context.close()
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []


def visible_codes(page: Page) -> list[str]:
    codes: list[str] = page.eval_on_selector_all(
        "#findings tbody tr",
        "rows => rows.filter(r => !r.hidden).map(r => r.getAttribute('data-code'))",
    )
    return codes


def test_filter_by_code_shows_only_that_code(
    page: tuple[Page, list[str]], report_html: Path, tmp_path: Path
) -> None:
    view, dialogs = page
    data = report_html.parent.parent / "data"
    expected = Counter(str(c) for c in dataset.load(data, "findings")["code"])
    assert len(visible_codes(view)) == sum(expected.values())
    view.select_option("#filter-code", "TOTAL_MISMATCH")
    assert visible_codes(view) == ["TOTAL_MISMATCH"] * expected["TOTAL_MISMATCH"]
    assert view.text_content("#findings-count") == str(expected["TOTAL_MISMATCH"])
    view.select_option("#filter-code", "DUPLICATE_ROW")
    assert visible_codes(view) == ["DUPLICATE_ROW"] * expected["DUPLICATE_ROW"]
    view.screenshot(path=str(tmp_path / "filtered-by-code.png"), full_page=True)
    view.click("#filter-reset")
    view.select_option("#filter-severity", "info")
    severities = view.eval_on_selector_all(
        "#findings tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.severity)"
    )
    assert severities and set(severities) == {"info"}
    assert (tmp_path / "filtered-by-code.png").stat().st_size > 10_000
    assert dialogs == []


def test_sort_by_delta(page: tuple[Page, list[str]]) -> None:
    view, _ = page
    view.click("#findings thead th:nth-child(8)")  # |差异|
    values = view.eval_on_selector_all(
        "#findings tbody tr", "rows => rows.map(r => r.cells[7].getAttribute('data-value'))"
    )
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers)
    view.click("#findings thead th:nth-child(8)")
    assert view.get_attribute("#findings thead th:nth-child(8)", "aria-sort") == "descending"


def test_no_script_from_the_data_runs(page: tuple[Page, list[str]], tmp_path: Path) -> None:
    view, dialogs = page
    view.fill("#findings-search", "alert(1)")
    text = view.inner_text("body")
    assert SCRIPT in text  # shown to the auditor, as text
    assert view.eval_on_selector_all("script", "s => s.length") == 2  # ours + the JSON data
    assert view.eval_on_selector_all("img[src='x'], [onerror]", "e => e.length") == 0
    assert view.eval_on_selector_all("a[href^='javascript:']", "e => e.length") == 0
    document = _open_document_with(view, SCRIPT)
    assert IMG in document.inner_text("body") and SCRIPT in document.inner_text("body")
    assert document.eval_on_selector_all("script", "s => s.length") == 0
    assert document.eval_on_selector_all("img[src='x'], [onerror]", "e => e.length") == 0
    assert document.eval_on_selector_all("a[href^='javascript:']", "e => e.length") == 0
    document.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    assert dialogs == []


def _open_document_with(view: Page, text: str) -> Page:
    """Follow the first finding whose text holds `text` to its document's page."""
    view.fill("#findings-search", text)
    view.click("#findings tbody tr:first-child td:nth-child(5) a")
    view.wait_for_load_state()
    return view


def test_finding_and_document_page_link_both_ways(page: tuple[Page, list[str]]) -> None:
    view, _ = page
    view.select_option("#filter-code", "TOTAL_MISMATCH")
    view.click("#findings tbody tr:first-child td:nth-child(5) a")
    view.wait_for_load_state()
    assert "/docs/d" in view.url and "#t" in view.url
    assert view.locator(".evaltable:target, tr:target").count() == 1
    view.click("text=本文档的问题")
    view.wait_for_load_state()
    assert view.url.split("#")[1].startswith("filter?document=")
    documents = set(
        view.eval_on_selector_all("#findings tbody tr", "r => r.map(x => x.dataset.document)")
    )
    assert len(documents) == 1


def test_filter_is_kept_in_the_address(browser: Browser, report_html: Path) -> None:
    """diff.html#filter?code=… opens filtered, so an auditor can send a colleague the view."""
    context = browser.new_context()
    view = context.new_page()
    view.goto(report_html.as_uri() + "#filter?code=REVERSE_SCORED_AS_POSITIVE")
    assert set(visible_codes(view)) == {"REVERSE_SCORED_AS_POSITIVE"}
    view.select_option("#filter-severity", "error")
    assert view.evaluate("location.hash") == (
        "#filter?code=REVERSE_SCORED_AS_POSITIVE&severity=error"
    )
    fresh = context.new_page()
    fresh.goto(report_html.as_uri() + "#filter?code=%3Cscript%3E")  # unknown value: ignored
    total = fresh.eval_on_selector_all("#findings tbody tr", "rows => rows.length")
    assert len(visible_codes(fresh)) == total
    context.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_no_horizontal_overflow(browser: Browser, report_html: Path, width: int) -> None:
    """Index and every document page fit the window at a desktop and a phone width, even with
    an unread table's 800-character cell; that cell is clipped, its text one click away."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    view = context.new_page()
    documents = sorted((report_html.parent / "docs").glob("*.html"))
    for path in [report_html, *documents]:
        view.goto(path.as_uri())
        assert view.evaluate("document.documentElement.scrollWidth") <= width, path.name
    view.goto(report_html.as_uri() + "#filter?code=TABLE_UNPARSED")
    row = view.locator("#findings tbody tr").first
    clipped = row.locator("td:nth-child(6) details.clip")
    assert len(clipped.locator("summary").inner_text()) <= 81
    clipped.locator("summary").click()
    assert UNREAD_CELLS in clipped.inner_text()
    assert view.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_incomplete_table_is_kept_out_of_the_largest_gaps(
    browser: Browser, report_html: Path
) -> None:
    context = browser.new_context()
    view = context.new_page()
    view.goto(report_html.as_uri())
    ranked = view.locator("#summary table.plain").nth(1).inner_text()
    assert "95.00" not in ranked  # the cut-off table's total is not a gap to rank
    assert "不完整的表 1 张" in view.inner_text("#summary")
    context.close()
