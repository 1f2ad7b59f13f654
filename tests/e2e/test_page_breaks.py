"""Rows broken across PDF pages read as the DOCX they were printed from.

The fixtures (tests/fixtures/make/make_page_breaks.py) hold five invented 自评表, MoF and
weight-first layouts, each pushed down its page until one row breaks: inside its 三级 name,
inside its values (`<=20.62` / `万元`), inside a merged 一级 label and inside a 二级 label.
The fifth is borderless: the PDF reads it from word positions and says so in a note. The
PDF's text written out of reading order must read the same.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from parsers import parse
from pipeline.batch.document import DocResult, process_file
from schemas import Paragraph
from schemas.profile import load_profile

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
KEY = ("level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score_stated")
# what only the PDF reader has to say: the borderless table's grid was read from word positions
READER_NOTES = {"TABLE_LAYOUT_GUESSED"}

Rows = list[tuple[object, ...]]


def _rows(result: DocResult) -> Rows:
    return [tuple(getattr(i, k) for k in KEY) for i in result.indicators]


def _codes(result: DocResult) -> Counter[str]:
    return Counter(f.code for f in result.findings if f.code not in READER_NOTES)


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
    assert len(other.tables) == 5
    assert _rows(other) == _rows(text)
    assert _codes(other) == _codes(text)


def test_borderless_table_read_from_word_positions(text: DocResult, other: DocResult) -> None:
    """The fifth table has no ruling lines: its rows exact, and the PDF says how it read them."""
    assert _rows(other)[-5:] == [
        ("产出指标", "数量指标", "维护公益设施处数", ">=60处", "=64处", 20.0, 20.0),
        ("产出指标", "质量指标", "维护验收合格率", ">=95%", "=98%", 20.0, 20.0),
        ("产出指标", "成本指标", "单处维护费用", "<=1.2万元", "=1.1万元", 10.0, 10.0),
        ("效益指标", "社会效益指标", "设施正常使用率", ">=90%", "=93%", 20.0, 20.0),
        ("满意度指标", "服务对象满意度指标", "村民满意度", ">=85%", "=90%", 20.0, 20.0),
    ]
    table = other.tables[-1]
    assert (table.total_stated, table.exec_rate_stated) == (99.5, 0.95)
    notes = [f for f in other.findings if f.code in READER_NOTES]
    if other.document.format == "pdf":
        assert [(f.page, f.severity) for f in notes] == [(10, "info")]
        assert "年度绩效/指标 joined" in notes[0].message
    else:
        assert notes == []


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


def test_text_out_of_stream_order_reads_as_printed() -> None:
    """The shuffled PDF writes its text objects in a random order (its stream text starts
    mid-table); read by geometry, it is the same document block for block."""
    shuffled = FORMATS / "pagebreaks-shuffled.pdf"
    stream = pdfium.PdfDocument(shuffled.read_bytes())[9].get_textpage().get_text_range()
    assert not stream.startswith("附表5")
    printed = parse(FORMATS / "pagebreaks.pdf")
    assert parse(shuffled).blocks == printed.blocks
    assert [b.text for b in printed.blocks if isinstance(b, Paragraph)][:2] == [
        "某县2024年度项目支出绩效自评报告",
        "附表1",
    ]


CUT_IN_A_DESCRIPTION = """\
项目支出绩效自评表 |
| 项目名称 | 乡镇卫生院设备更新 |
| 一级指标 | 二级指标 | 三级指标 | 指标说明 | 指标 分值 | 预期指标值 ||| 实际 完成值 | 完成 情况 | 自评得分 |||
| 符号 | 值 | 单位 | 单项指标 得分 | 权重 占比(%) | 单项指标 折算得分 |
| 产出指标 | 数量指标 | 更新设备台数 | 反映设备更新情况 | 100 | ≥ | 40 | 台 | 42台 | 已完成 | 100 | 50 | 50 |
| 满意度指标 | 服务对象满意度指标 | 就诊群众满意度 | 反映就诊群

- 2 -

众满意情况 | 100 | ≥ | 90 | % | 93% | 已完成 | 100 | 30 | 30 |
| 医护人员满意度 | 反映医护人员满意情况 | 100 | ≥ | 85 | % | 88% | 已完成 | 100 | 20 | 20 |
| 合计 ||||||||||| 100 | 100 |
"""  # noqa: E501  (a form's rows as printed, one per line)


def test_a_row_cut_inside_its_description_is_reported_not_misread(tmp_path: Path) -> None:
    """The page ends inside 指标说明 (`反映就诊群` · `- 2 -` · `众满意情况 | 100 | …`): the
    line after the break starts with the cell's rest, so its cells sit one column off. It is
    reported with the part before the break, never emitted as a row named `众满意情况`."""
    path = tmp_path / "cut.txt"
    path.write_text(CUT_IN_A_DESCRIPTION, encoding="utf-8")
    result = process_file(path, load_profile("central"))
    assert [(i.level3, i.weight, i.score_stated) for i in result.indicators] == [
        ("更新设备台数", 50.0, 50.0),
        ("医护人员满意度", 20.0, 20.0),
    ]
    unread = [f.stated or "" for f in result.findings if f.code == "ROW_UNPARSED"]
    assert len(unread) == 2 and "反映就诊群" in unread[0] and "众满意情况" in unread[1]


CUT_IN_A_NAME = """\
项目支出绩效自评表
项目名称   村级道路养护经费
一级指标   二级指标   三级指标   年度指标值   实际完成值   得分   偏差原因
产出指标(60分)   数量指标   养护道路里程   ≥120公里   126公里   30
产出指标(60分)   成本指标   村级道路单位养护

第 2 页
绩效自评表（续）
成本   ≤2.5万元   2.4万元   30
满意度指标(40分)   服务对象满意度指标   沿线群众满意度   ≥90%   94%   40
总分   100
"""


def test_a_row_whose_name_the_page_cut_is_reported_not_misread(tmp_path: Path) -> None:
    """Rows run one per line; the page ends inside a name (`村级道路单位养护` · `第 2 页` ·
    `成本 ≤2.5万元 …`). The line after the break reads as a row, but its name is the rest of
    the cut one: it is reported with the part before the break, not emitted as `成本`."""
    path = tmp_path / "cut.txt"
    path.write_text(CUT_IN_A_NAME, encoding="utf-8")
    result = process_file(path, load_profile("central"))
    assert [(i.level3, i.score_stated) for i in result.indicators] == [
        ("养护道路里程", 30.0),
        ("沿线群众满意度", 40.0),
    ]
    unread = [f.stated or "" for f in result.findings if f.code == "ROW_UNPARSED"]
    assert unread[0] == "村级道路单位养护"
    assert unread[1].startswith("产出指标(60分) | 成本指标 | 成本 | ≤2.5万元 | 2.4万元 | 30")


CUT_IN_CELLS = """\
项目支出绩效自评表 |
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
| 产出指标 | 数量指标 | 新建农村公路里程 | ≥40公里 | 42公里 | 30 | 30 |
| 中小学校

6、

舍维修数量 | ≥12所 | 12所 | 20 | 20 |
| 效益指标 | 社会效益指标 | 群众出行条件 | 明显

- 7 -

改善 | 达到预期 | 20 | 20 |
| 满意度指标 | 服务对象

8、

满意度指标 | 沿线群众满意度 | ≥90% | 93% | 20 | 20 |
| 学校师生满意度 | ≥90% | 95% | 10 | 10 |
| 合计 ||||| 100 | 100 |
"""


def test_cells_the_page_cut_are_reported_not_misread(tmp_path: Path) -> None:
    """Page numbers printed `6、` and page ends inside cells: a name (`中小学校` · `舍维修
    数量`), a target phrase (`明显` · `改善`) and a level label (`服务对象` · `满意度指标`).
    Across the break nothing shows where the cell ends, so those rows are reported, never
    emitted as `舍维修数量` or with the target `明显`; the row right after the cut label is
    reported too, the one under it read with its levels unknown, not under 效益指标 ·
    社会效益指标."""
    path = tmp_path / "cut.txt"
    path.write_text(CUT_IN_CELLS, encoding="utf-8")
    result = process_file(path, load_profile("central"))
    rows = [(i.level1, i.level2, i.level3, i.target_raw) for i in result.indicators]
    assert rows == [
        ("产出指标", "数量指标", "新建农村公路里程", "≥40公里"),
        (None, None, "学校师生满意度", "≥90%"),
    ]
    unread = " ".join(f.stated or "" for f in result.findings if f.code == "ROW_UNPARSED")
    for part in ("中小学校", "舍维修数量", "明显 | 改善", "服务对象", "沿线群众满意度"):
        assert part in unread


CUT_IN_A_LEVEL_LABEL = """\
项目支出绩效自评表
一级指标   二级指标   三级指标   年度指标值   实际完成值   分值   得分
产出

第 3 页
续表
指标   数量指标   新建农村公路里程   ≥40公里   42公里   30   30
成本指标   公路单位造价   ≤120万元   118万元   30   30
效益指标   社会效益指标   群众出行条件   明显改善   达到预期   30   30
满意度指标   服务对象满意度指标   沿线群众满意度   ≥90%   93%   10   10
总分   100   100
"""


def test_a_level_label_the_page_cut_leaves_its_level_unknown(tmp_path: Path) -> None:
    """`产出` · `第 3 页` · `指标`: the level-1 label was cut, so 成本指标 below it may be its
    level 2 or a level 1 of its own: the row under it is read with both levels unknown."""
    path = tmp_path / "cut.txt"
    path.write_text(CUT_IN_A_LEVEL_LABEL, encoding="utf-8")
    result = process_file(path, load_profile("central"))
    assert [(i.level1, i.level2, i.level3) for i in result.indicators] == [
        (None, "数量指标", "新建农村公路里程"),
        (None, None, "公路单位造价"),
        ("效益指标", "社会效益指标", "群众出行条件"),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度"),
    ]
