"""A report too big to hold in one page, in real Chromium: the findings list comes in several
data files (data/findings-N.js) loaded as needed, the documents in documents.html.

The sizes are made small (`html.CHUNK` findings per file, `html.INLINE_DOCUMENTS`) so that a
few hundred findings take the paths 2,000 documents take.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from pipeline.report import html as report_html
from pipeline.report.write import write_report
from tests.report.test_report_fixtures import document, eval_table, finding, write

DOCUMENTS = 12
FINDINGS = 260
CHUNK = 150  # two data files: 150 + 110 findings


def _dataset(data: Path) -> None:
    """12 documents of one table each; every 4th finding a TOTAL_MISMATCH (error), the rest
    SCORE_MISMATCH (warning); |差异| grows with the finding's number, up to 129.5."""
    doc_ids = [f"{i:02d}" * 32 for i in range(DOCUMENTS)]
    write(
        data, "documents", [document(d, f"reports/单位{i:02d}.txt") for i, d in enumerate(doc_ids)]
    )
    write(data, "eval_tables", [eval_table(f"{d[:12]}-t01", d) for d in doc_ids])
    rows = []
    for i in range(FINDINGS):
        doc_id = doc_ids[i % DOCUMENTS]
        code, severity = (
            ("TOTAL_MISMATCH", "error") if i % 4 == 0 else ("SCORE_MISMATCH", "warning")
        )
        rows.append(
            finding(
                f"f{i:03d}",
                doc_id,
                code,
                severity,
                table_id=f"{doc_id[:12]}-t01",
                delta=i * 0.5,
                path=f"reports/单位{i % DOCUMENTS:02d}.txt",
            )
        )
    write(data, "findings", rows)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scale")
    _dataset(root / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report_html, "CHUNK", CHUNK)
        patch.setattr(report_html, "INLINE_DOCUMENTS", 5)
        write_report(root / "data", root / "report")
    return root / "report"


@pytest.fixture
def view(browser: Browser, report: Path) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((report / "diff.html").as_uri())
    yield page
    context.close()
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    loaded = {u.rsplit("/", 1)[1] for u in requests if "/data/" in u}
    assert loaded <= {"findings-1.js", "findings-2.js"}


def count(view: Page) -> str:
    return str(view.text_content("#findings-count"))


def wait_for_count(view: Page, expected: int) -> None:
    view.wait_for_function(
        f"document.getElementById('findings-count').textContent === '{expected}'"
    )


def test_data_files_and_page(report: Path) -> None:
    html = (report / "diff.html").read_text("utf-8")
    meta = re.search(r'id="findings-meta">(.*?)</script>', html)
    assert meta is not None
    assert json.loads(meta.group(1)) == {
        "total": FINDINGS,
        "size": CHUNK,
        "chunks": ["data/findings-1.js", "data/findings-2.js"],
    }
    assert sorted(p.name for p in (report / "data").iterdir()) == ["findings-1.js", "findings-2.js"]


def test_first_page_opens_from_the_first_file(view: Page) -> None:
    assert view.eval_on_selector_all("#findings tbody tr", "r => r.length") == 100
    assert count(view) == str(FINDINGS)
    assert view.eval_on_selector_all("script[src]", "s => s.length") == 0  # removed once read


def test_filter_sort_and_pages_load_the_rest(view: Page) -> None:
    view.select_option("#filter-code", "SCORE_MISMATCH")
    wait_for_count(view, FINDINGS - FINDINGS // 4)
    codes = view.eval_on_selector_all("#findings tbody tr", "r => r.map(x => x.dataset.code)")
    assert codes == ["SCORE_MISMATCH"] * 100
    view.click("#filter-reset")
    wait_for_count(view, FINDINGS)
    view.click("#findings thead th:nth-child(8)")  # |差异| ascending, then descending
    view.click("#findings thead th:nth-child(8)")
    top = view.get_attribute("#findings tbody tr:first-child td:nth-child(8)", "data-value")
    assert top == "129.5"  # finding 259: in the second file


def test_next_page_past_the_first_file(view: Page) -> None:
    view.click("#page-next")
    view.click("#page-next")
    view.wait_for_function("document.getElementById('page-at').textContent.includes('3 / 3')")
    assert view.eval_on_selector_all("#findings tbody tr", "r => r.length") == FINDINGS - 200


@pytest.mark.parametrize("width", [1400, 390])
def test_documents_page(browser: Browser, report: Path, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto((report / "diff.html").as_uri())
    page.click("#documents a[href='documents.html']")
    page.wait_for_load_state()
    links = page.eval_on_selector_all("#documents a", "a => a.map(x => x.getAttribute('href'))")
    assert links == [f"docs/d{i}.html" for i in range(1, DOCUMENTS + 1)]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("#documents a >> nth=0")
    page.wait_for_load_state()
    assert page.url.endswith("/docs/d1.html")
    context.close()
