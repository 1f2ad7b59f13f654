"""HTML reader: the table model with rowspan/colspan, charsets, text kept in order."""

from __future__ import annotations

from pathlib import Path

from parsers import parse, parse_bytes
from schemas import Paragraph, Table

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"


def spans(table: Table) -> list[list[tuple[str, int, int, int, int]]]:
    return [[(c.text, c.row, c.col, c.rowspan, c.colspan) for c in row] for row in table.rows]


def test_rowspan_pushes_later_cells_right() -> None:
    page = (
        "<table><tr><td rowspan=2>A</td><td colspan='2'>B</td></tr>"
        "<tr><td>C</td><td>D</td></tr>"
        "<tr><td colspan=3>E</td></tr>"
        "<tr><td>F</td><td rowspan=0>G</td><td>H</td></tr><tr><td>I</td><td>J</td></tr></table>"
    )
    table = next(parse_bytes(page.encode(), "t.html").tables())
    assert spans(table) == [
        [("A", 0, 0, 2, 1), ("B", 0, 1, 1, 2)],
        [("C", 1, 1, 1, 1), ("D", 1, 2, 1, 1)],
        [("E", 2, 0, 1, 3)],
        [("F", 3, 0, 1, 1), ("G", 3, 1, 2, 1), ("H", 3, 2, 1, 1)],  # rowspan=0: to the end
        [("I", 4, 0, 1, 1), ("J", 4, 2, 1, 1)],
    ]


def test_seed_page_matches_the_docx_grid() -> None:
    html = parse(FORMATS / "seed004.html")
    word = parse(FORMATS / "seed004.docx")
    assert html.title == "乌鲁木齐市科学技术协会2024年度部门决算"
    assert [spans(t) for t in html.tables()] == [spans(t) for t in word.tables()]
    assert [p.text for p in html.paragraphs()] == [p.text for p in word.paragraphs()]
    table = list(html.tables())[1]
    assert table.rows[9][0].line == table.rows[9][3].line  # source line of the <tr>


def test_declared_gb2312_is_read_as_gb18030() -> None:
    # 镕 is in GBK but not in GB2312: pages labelled gb2312 use it all the same
    page = '<html><head><meta charset="gb2312"></head><body><p>朱镕基 ≥15万元</p></body></html>'
    doc = parse_bytes(page.encode("gb18030"), "gb.html")
    assert doc.blocks == (Paragraph("朱镕基 ≥15万元", line=1),)


def test_undeclared_gbk_is_detected() -> None:
    text = "部门整体支出绩效自评表。本年度预算执行率为百分之九十九点六三，得分九点九六分。" * 3
    page = f"<html><body><p>{text}</p></body></html>".encode("gbk")
    assert next(parse_bytes(page, "nometa.html").paragraphs()).text == text


def test_breaks_blocks_and_source_wraps() -> None:
    page = (
        "<html><body><h1>标题</h1>正文一\n段<div>块<br>换行</div>"
        "<table><tr><td>甲<br>乙<p>丙</p>科普\n活动 次数</td></tr></table>"
        "<p>表后</p><script>var x = '不是正文';</script></body></html>"
    )
    doc = parse_bytes(page.encode(), "flow.html")
    texts = [b.text if isinstance(b, Paragraph) else "TABLE" for b in doc.blocks]
    assert texts == ["标题", "正文一段", "块", "换行", "TABLE", "表后"]
    table = next(doc.tables())
    assert table.rows[0][0].text == "甲\n乙\n丙\n科普活动 次数"


def test_layout_table_yields_its_inner_table() -> None:
    page = (
        "<table><tr><td>网站导航</td></tr><tr><td><p>自评表</p>"
        "<table><tr><td rowspan=2>一级</td><td>x</td></tr><tr><td>y</td></tr></table>"
        "</td></tr></table>"
    )
    doc = parse_bytes(page.encode(), "layout.html")
    assert [b.text for b in doc.paragraphs()] == ["网站导航", "自评表"]
    assert [spans(t) for t in doc.tables()] == [
        [[("一级", 0, 0, 2, 1), ("x", 0, 1, 1, 1)], [("y", 1, 1, 1, 1)]]
    ]


def test_caption_comes_before_its_table() -> None:
    page = (
        "<p>前文</p><table><caption>项目支出绩效自评表</caption><tr><td>项目名称</td></tr></table>"
    )
    doc = parse_bytes(page.encode(), "cap.html")
    assert [b.text if isinstance(b, Paragraph) else "TABLE" for b in doc.blocks] == [
        "前文",
        "项目支出绩效自评表",
        "TABLE",
    ]
