"""Rows broken across PDF pages read as the DOCX they were printed from.

The fixtures (tests/fixtures/make/make_page_breaks.py) hold five invented 自评表, MoF and
weight-first layouts, each pushed down its page until one row breaks: inside its 三级 name,
inside its values (`<=20.62` / `万元`), inside a merged 一级 label and inside a 二级 label.
The fifth is borderless. The PDF's text written out of reading order must read the same.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from parsers import parse
from pipeline.batch.document import DocResult, process_file
from schemas.profile import load_profile

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
KEY = ("level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score_stated")
RULED = 4  # tables read from every format; the borderless fifth is not read from the PDF yet

Rows = list[tuple[object, ...]]


def _rows(result: DocResult) -> Rows:
    return [tuple(getattr(i, k) for k in KEY) for i in result.indicators]


def _codes(result: DocResult) -> Counter[str]:
    return Counter(f.code for f in result.findings)


@pytest.fixture(scope="module")
def text() -> DocResult:
    return process_file(FORMATS / "pagebreaks.txt", load_profile("central"))


@pytest.fixture(scope="module", params=["docx", "html", "xlsx", "pdf", "shuffled"])
def other(request: pytest.FixtureRequest) -> DocResult:
    name = (
        "pagebreaks-shuffled.pdf" if request.param == "shuffled" else f"pagebreaks.{request.param}"
    )
    result = process_file(FORMATS / name, load_profile("central"))
    assert result.document.status == "ok", result.document.error
    return result


def test_broken_rows_read_whole(text: DocResult) -> None:
    rows = _rows(text)
    assert len(rows) == 32
    assert rows[1] == (
        "产出指标", "数量指标", "新建乡村数字服务站点覆盖行政村比例及事项网上可办率",
        ">=85%", "=88%", 10.0, 10.0,
    )  # fmt: skip
    assert rows[9] == (
        "产出指标",
        "成本指标",
        "设备运维费用",
        "<=20.62万元",
        "=19.80万元",
        10.0,
        10.0,
    )
    assert rows[17:19] == [
        ("可持续影响指标", "可持续影响", "设施长效使用年限", ">=10年", "=10年", 10.0, 10.0),
        ("可持续影响指标", "可持续影响", "管护制度健全性", "健全", "健全", 10.0, 9.0),
    ]
    assert rows[23][1:3] == ("时效指标", "活动按期举办率")


def test_same_rows_and_findings_as_the_text(text: DocResult, other: DocResult) -> None:
    ruled = sum(1 for i in text.indicators if i.table_id in _table_ids(text)[:RULED])
    if other.document.format == "pdf":
        assert _rows(other) == _rows(text)[:ruled]
        assert len(other.tables) == RULED
    else:
        assert _rows(other) == _rows(text)
        assert _codes(other) == _codes(text)


def _table_ids(result: DocResult) -> list[str]:
    return [t.table_id for t in result.tables]


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("pagebreaks.txt", "line 6"),
        ("pagebreaks.docx", "table 1, row 1, paragraph 6"),
        ("pagebreaks.html", "table 1, row 1"),
        ("pagebreaks.xlsx", "附表1!A1"),
        ("pagebreaks.pdf", "page 2, box (51,552)-(128,565)"),
    ],
)
def test_every_cell_says_where_it_was_printed(name: str, where: str) -> None:
    doc = parse(FORMATS / name)
    cells = [c for t in doc.tables() for row in t.rows for c in row]
    assert cells and all(c.where for c in cells)
    assert all(p.where for p in doc.paragraphs())
    assert cells[0].where == where
    if name.endswith("pdf"):
        assert all(c.bbox is not None and c.page is not None for c in cells)
