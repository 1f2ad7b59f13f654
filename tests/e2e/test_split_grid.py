"""A 自评表 that Word split into two tables at a page break, the continuation with column
boundaries of its own, read as the DOCX it was printed from.

The fixtures (tests/fixtures/make/make_split_grid.py): two invented tables, each split before
its fourth indicator row; the first continuation's inner boundaries moved by 0.3 cm (the PDF
reader maps them onto the first part's and stitches one grid), the second's by 1.2 cm (two
grids, as in the DOCX, which the pipeline reads on as one table).
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

ROWS = [
    ("产出指标", "数量指标", "污水日处理量", ">=500吨", "=520吨", 10.0, 10.0),
    ("产出指标", "数量指标", "运营设施座数", "=12座", "=12座", 10.0, 10.0),
    ("产出指标", "质量指标", "出水水质达标率", ">=95%", "=97%", 10.0, 10.0),
    ("产出指标", "时效指标", "设施故障修复时间", "<=48小时", "=36小时", 10.0, 10.0),
    ("产出指标", "成本指标", "吨水运营成本", "<=1.6元", "=1.5元", 10.0, 10.0),
    ("效益指标", "生态效益指标", "化学需氧量削减量", ">=90吨", "=95吨", 20.0, 20.0),
    ("满意度指标", "服务对象满意度指标", "周边群众满意度", ">=90%", "=92%", 20.0, 19.0),
    ("产出指标", "数量指标", "维修校舍面积", ">=8000平方米", "=8200平方米", 15.0, 15.0),
    ("产出指标", "质量指标", "工程验收合格率", "=100%", "=100%", 15.0, 15.0),
    ("产出指标", "时效指标", "开学前完工率", ">=95%", "=100%", 10.0, 10.0),
    ("产出指标", "成本指标", "每平方米维修成本", "<=450元", "=430元", 10.0, 10.0),
    ("效益指标", "社会效益指标", "校舍安全隐患消除率", "=100%", "=100%", 20.0, 20.0),
    ("满意度指标", "服务对象满意度指标", "师生满意度", ">=90%", "=94%", 20.0, 20.0),
]


@pytest.fixture(scope="module", params=["txt", "docx", "pdf"])
def result(request: pytest.FixtureRequest) -> DocResult:
    got = process_file(FORMATS / f"splitgrid.{request.param}", load_profile("central"))
    assert got.document.status == "ok", got.document.error
    return got


def test_split_tables_read_whole(result: DocResult) -> None:
    assert [tuple(getattr(i, k) for k in KEY) for i in result.indicators] == ROWS
    assert [(t.project_name, t.total_stated) for t in result.tables] == [
        ("乡镇污水处理设施运营", 98.5),
        ("中小学校舍维修", 99.5),
    ]
    assert Counter(f.code for f in result.findings) == {"SCORE_MISMATCH": 1, "TOTAL_MISMATCH": 1}


def test_continuation_mapped_onto_the_first_parts_columns() -> None:
    """0.3 cm off: one grid over two pages; 1.2 cm off: two grids, as the DOCX has them."""
    doc = parse(FORMATS / "splitgrid.pdf")
    assert [(t.page_start, t.page_end, len(t.rows)) for t in doc.tables()] == [
        (2, 3, 16),
        (4, 4, 11),
        (5, 5, 4),
    ]
    word = parse(FORMATS / "splitgrid.docx")
    assert [len(t.rows) for t in word.tables()] == [11, 5, 11, 4]
