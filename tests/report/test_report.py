"""`ziping report`: files written, text escaped everywhere, mismatches marked, gaps tolerated."""

from __future__ import annotations

import base64
import csv
import hashlib
import html as html_lib
import io
import json
import re
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from PIL import Image

from parsers.ocr import picture as image_pages
from parsers.pdf import pages as pdf_pages
from pipeline.cli import main
from pipeline.report.write import FILES, write_report
from schemas.errors import ZipingError
from schemas.tables import RunRow
from tests.report.test_report_fixtures import (
    DOC_OK,
    FORMULA,
    HOSTILE,
    IMG,
    SCRIPT,
    build_dataset,
    document,
    eval_table,
    ordinary_rows,
    write,
)


class Elements(HTMLParser):
    """Every start tag with its attributes, as the browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


@pytest.fixture
def report(tmp_path: Path) -> Path:
    out = tmp_path / "report"
    written = write_report(build_dataset(tmp_path / "data"), out)
    assert sorted(written) == sorted(FILES)
    return out


def pages_of(report: Path) -> list[Path]:
    """Every HTML page of a report folder: the index and one page per document."""
    return [report / "diff.html", *sorted((report / "docs").glob("*.html"))]


def pages(report: Path) -> dict[str, str]:
    return {str(p.relative_to(report)): p.read_text(encoding="utf-8") for p in pages_of(report)}


def findings_data(report: Path) -> list[list[object]]:
    """The findings list's rows, from the data files the index names, in order."""
    html = (report / "diff.html").read_text(encoding="utf-8")
    meta = re.search(r'<script type="application/json" id="findings-meta">(.*?)</script>', html)
    assert meta is not None
    assert "<" not in meta.group(1)  # escaped as \u003c: no text can close the element
    rows: list[list[object]] = []
    for n, name in enumerate(json.loads(meta.group(1))["chunks"]):
        text = (report / name).read_text(encoding="utf-8")
        assert text.startswith(f"zipingFindings({n},") and text.endswith(");\n")
        assert "<" not in text  # as \u003c, like the data in the page
        rows += json.loads(text[len(f"zipingFindings({n},") : -len(");\n")])
    return rows


def test_html_has_no_markup_from_the_data(report: Path) -> None:
    every = pages(report)
    assert sorted(every) == ["diff.html", "docs/d1.html", "docs/d2.html", "docs/d3.html"]
    for name, html in every.items():
        tags = parse(html)
        scripts = [a for t, a in tags if t == "script"]
        if name == "diff.html":  # ours, inline, no src; and where the findings are, as JSON
            assert scripts == [{"type": "application/json", "id": "findings-meta"}, {}]
        else:
            assert scripts == []
        assert [t for t, _ in tags if t in {"img", "iframe", "object", "embed", "link"}] == []
        for tag, attrs in tags:
            assert not [k for k in attrs if k.startswith("on")], f"event handler on <{tag}>"
            href = str(attrs.get("href"))
            assert attrs.get("href") is None or href.startswith(("#", "docs/d", "../diff.html"))
        for hostile in HOSTILE:
            assert hostile not in html or hostile == FORMULA  # a formula is inert text in HTML
    hostile_page = next(
        h for n, h in every.items() if n.startswith("docs/") and "&lt;script&gt;" in h
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_page
    data = findings_data(report)
    assert len(data) == 4
    messages = [str(row[12]) for row in data]
    assert any(SCRIPT in m for m in messages)  # shown to the auditor, as data


def test_csp_allows_only_our_script(report: Path) -> None:
    html = (report / "diff.html").read_text(encoding="utf-8")
    body = re.search(r"<script>(.*?)</script>", html, re.DOTALL)
    document_page = (report / "docs" / "d1.html").read_text(encoding="utf-8")
    assert "script-src &#39;none&#39;" in document_page or "script-src 'none'" in document_page
    assert body is not None
    digest = base64.b64encode(hashlib.sha256(body.group(1).encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    policy = html_lib.unescape(csp.group(1))
    assert f"script-src 'sha256-{digest}' 'self'" in policy  # 'self': data/findings-N.js
    assert "default-src 'none'" in policy
    urls = set(re.findall(r"https?://[^\"\s]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # namespaces


def test_html_marks_the_offending_cells(report: Path) -> None:
    html = "".join(pages(report).values())
    row = re.search(r'<tr id="t1r2"[^>]*>(.*?)</tr>', html, re.DOTALL)
    assert row is not None
    assert re.search(r'class="n bad">6\.88<', row.group(1))  # printed score
    assert re.search(r'class="bad">≤30万元<', row.group(1))  # the ceiling target
    assert 'class="n recomputed">7.00<' in row.group(1)
    assert re.search(r'class="n bad">99\.41<', html)  # printed total
    assert "l.60" in row.group(1)  # provenance
    assert html.count("<svg") == 3  # by code, totals, deltas


def test_markdown_and_csv_are_inert(report: Path) -> None:
    text = (report / "diff.md").read_text(encoding="utf-8")
    assert SCRIPT not in text and IMG not in text
    assert "](javascript:" not in text
    assert "| 2 | 成本指标 | 经济成本指标 | 融媒体宣传服务费 |" in text
    raw = (report / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 4
    placeholder = next(r for r in rows if r["code"] == "PLACEHOLDER_FIELD")
    assert placeholder["message"] == "'" + FORMULA  # Excel shows it as text, never runs it
    total = next(r for r in rows if r["code"] == "TOTAL_MISMATCH")
    assert (total["delta"], total["stated"]) == ("-0.12", "99.41")  # numbers stay numbers


def test_missing_tables_still_report(tmp_path: Path) -> None:
    data = build_dataset(tmp_path / "data", hostile=False, claims=False, findings=False)
    out = tmp_path / "report"
    write_report(data, out)
    html = (out / "diff.html").read_text(encoding="utf-8")
    assert "no findings" in html
    assert 'id="claims"' not in html
    assert 'id="findings"' not in html  # no empty filter table
    assert "no findings" in (out / "diff.md").read_text(encoding="utf-8")


def test_documents_only_dataset(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write(data, "documents", [document(DOC_OK, "a.txt", status="no_tables", n_tables=0)])
    out = tmp_path / "report"
    write_report(data, out)
    assert "no_tables 1" in (out / "diff.html").read_text(encoding="utf-8")


def test_no_dataset_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ZipingError, match="ziping ingest"):
        write_report(tmp_path, tmp_path / "out")


def test_pdf_source_page_is_shown(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    fig = Figure(figsize=(8.27, 11.69))
    fig.text(0.1, 0.9, "self-evaluation table")
    fig.savefig(pdf, format="pdf")
    data = tmp_path / "data"
    write(data, "documents", [document(DOC_OK, str(pdf), format="pdf", pages=1)])
    write(data, "eval_tables", [eval_table("t1", DOC_OK, page=1)])
    out = tmp_path / "out"
    write_report(data, out)
    images = [a for t, a in parse((out / "docs" / "d1.html").read_text("utf-8")) if t == "img"]
    assert len(images) == 1
    assert str(images[0]["src"]).startswith("data:image/png;base64,")


def test_scanned_page_is_shown_beside_its_table(tmp_path: Path) -> None:
    scans = Path(__file__).parents[1] / "fixtures" / "scans"
    data = tmp_path / "data"
    tif = str(scans / "b-pages.tif")
    write(data, "documents", [document(DOC_OK, tif, format="image", pages=2)])
    write(data, "eval_tables", [eval_table("t1", DOC_OK, page=2)])
    write_report(data, tmp_path / "out")
    html = (tmp_path / "out" / "docs" / "d1.html").read_text("utf-8")  # tables: per document
    images = [a for t, a in parse(html) if t == "img"]
    assert len(images) == 1
    uri = str(images[0]["src"])
    assert uri.startswith("data:image/png;base64,")
    picture = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert picture.width == 900  # the whole second page, scaled to the report's width
    assert image_pages.render_page(scans / "b-pages.tif", 3) is None


def test_pdf_picture_starts_at_the_table(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    fig = Figure(figsize=(8.27, 11.69))
    fig.text(0.1, 0.9, "Annual report narrative")
    fig.text(0.1, 0.5, "Project SCIENCE-FUND self-evaluation")
    fig.savefig(pdf, format="pdf")
    whole = pdf_pages.render_page(pdf, 1)
    cropped = pdf_pages.render_page(pdf, 1, ["SCIENCE-FUND"])
    missing = pdf_pages.render_page(pdf, 1, ["not on the page"])
    assert whole and cropped and missing
    height = {k: png_height(v) for k, v in [("whole", whole), ("cropped", cropped)]}
    assert height["cropped"] < 0.6 * height["whole"]  # from mid-page to the foot
    assert png_height(missing) == height["whole"]
    assert pdf_pages.render_page(tmp_path / "gone.pdf", 1) is None
    assert pdf_pages.render_page(pdf, 2) is None


def png_height(uri: str) -> int:
    """Height from the PNG header (bytes 20-24 of the IHDR chunk)."""
    raw = base64.b64decode(uri.split(",", 1)[1])
    return int.from_bytes(raw[20:24], "big")


def test_report_command(tmp_path: Path) -> None:
    data = build_dataset(tmp_path / "data")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["report", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, "docs", "data"])  # no temp
    assert sorted(p.name for p in (out / "docs").iterdir()) == ["d1.html", "d2.html", "d3.html"]
    empty = tmp_path / "empty"
    empty.mkdir()
    failed = CliRunner().invoke(main, ["report", "--data", str(empty), "--out", str(out)])
    assert failed.exit_code == 1
    assert failed.output.startswith("Error: ") and "ziping ingest" in failed.output


def test_last_run_is_shown(tmp_path: Path) -> None:
    data = build_dataset(tmp_path / "data")
    run = RunRow(
        run_id="r1",
        started_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        finished_at=None,
        version="9.9.9",
        profile="central",
        documents_seen=3,
        skipped=0,
        ok=2,
        failed=1,
    )
    write(data, "runs", [run])
    write_report(data, tmp_path / "out")
    html = (tmp_path / "out" / "diff.html").read_text("utf-8")
    assert "最近导入 2026-01-02 03:04 UTC, ziping 9.9.9" in html
    assert "失败 1" in html and "未完成" in html


def _render_with(text: str) -> str:
    """diff.html and the document pages for a dataset whose indicator name, actual and finding
    message are `text`."""
    rows = ordinary_rows()
    rows["indicators"][1] = replace(rows["indicators"][1], level3=text, actual_raw=text)
    rows["findings"][0] = replace(rows["findings"][0], message=text, stated=text)
    with tempfile.TemporaryDirectory() as tmp:
        for name, table in rows.items():
            write(Path(tmp) / "data", name, table)
        out = Path(tmp) / "report"
        write_report(Path(tmp) / "data", out)
        return "".join(p.read_text("utf-8") for p in sorted(pages_of(out)))


@settings(max_examples=15, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>&\"'/=` ajvscrt:()1"), min_size=1, max_size=40))
def test_any_cell_text_renders_as_text(text: str) -> None:
    """Whatever a cell holds, the page has exactly the elements of a plain page, and the
    text reads back unchanged. (Empty text is left out: an empty cell rightly drops markup.)"""
    page = _render_with(text)
    tags = Counter(tag for tag, _ in parse(page))
    assert tags == BASELINE_TAGS
    assert text in html_lib.unescape(page)


BASELINE_TAGS = Counter(tag for tag, _ in parse(_render_with("plain")))
