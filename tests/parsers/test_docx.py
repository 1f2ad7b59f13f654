"""DOCX reader: merged cells resolved once with their spans, content controls kept, speed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from parsers import office, parse, parse_bytes
from schemas import Paragraph, ParseError, Table

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_body(*xml: str) -> bytes:
    """A .docx whose body holds exactly the given WordprocessingML elements."""
    document = docx.Document()
    body = document.element.body
    for el in list(body):
        if not el.tag.endswith("sectPr"):
            body.remove(el)
    for k, fragment in enumerate(xml):
        body.insert(k, parse_xml(fragment))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def spans(table: Table) -> list[list[tuple[str, int, int, int, int]]]:
    return [[(c.text, c.row, c.col, c.rowspan, c.colspan) for c in row] for row in table.rows]


def test_seed_form_merges_resolved_once() -> None:
    doc = parse(FORMATS / "seed004.docx")
    tables = list(doc.tables())
    assert doc.format == "docx"
    assert len(tables) == 9
    grid = spans(tables[1])
    assert grid[0] == [("项目名称", 0, 0, 1, 2), ("科普经费", 0, 2, 1, 7)]
    assert grid[2][0] == ("项目资金 （万元）", 2, 0, 4, 1)  # budget label merged down
    assert grid[3][0] == ("年度资金总额", 3, 1, 1, 2)  # nothing at col 0: covered
    assert grid[9][:4] == [
        ("年度绩效指标完成情况", 9, 0, 11, 1),
        ("产出指标", 9, 1, 6, 1),
        ("数量指标", 9, 2, 3, 1),
        ("科技工作者慰问人数", 9, 3, 1, 1),
    ]
    assert grid[10][0] == ("科普宣传、科技成果展示与媒体合作数", 10, 3, 1, 1)
    assert grid[20][:2] == [("总分", 20, 0, 1, 4), ("", 20, 4, 1, 2)]
    dense = tables[1].dense()
    assert dense[19][1] is not None and dense[19][1].text == "满意度指标"
    assert dense[19][0] is not None and not dense[19][0].origin


def test_seed_titles_are_paragraphs_before_each_table() -> None:
    blocks = parse(FORMATS / "seed004.docx").blocks
    k = next(i for i, b in enumerate(blocks) if isinstance(b, Table))
    assert blocks[k - 2] == Paragraph("部门整体支出绩效自评表", line=72)
    assert blocks[k - 1] == Paragraph("（2024年度）", line=73)
    # a Word file's lines are its paragraphs, cells' paragraphs counted
    table = blocks[k]
    assert isinstance(table, Table) and table.rows[0][0].line == 74


def test_multi_paragraph_cell_keeps_lines() -> None:
    table = next(parse(FORMATS / "seed004.docx").tables())
    actual = table.rows[7][1]
    assert (actual.col, actual.colspan) == (4, 4)
    lines = actual.text.split("\n")
    assert len(lines) == 3
    assert lines[0].startswith("科学知识普及方面：积极开展科普活动进乡村、社区、学校等各类活")
    assert lines[1].startswith("青少年科技兴趣方面：通过积极开展青少年科")


def test_content_controls_smart_tags_and_grid_before() -> None:
    row1 = (
        "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>"
        + tc("甲", "<w:gridSpan w:val='2'/>")
        + "<w:sdt><w:sdtContent>"
        + tc("乙")
        + "</w:sdtContent></w:sdt></w:tr>"
    )
    smart = (
        "<w:tc><w:p><w:smartTag w:uri='u' w:element='e'><w:r><w:t>丙</w:t></w:r></w:smartTag>"
        "<w:sdt><w:sdtContent><w:r><w:t>丁</w:t></w:r></w:sdtContent></w:sdt></w:p></w:tc>"
    )
    row2 = "<w:tr>" + tc("A", "<w:vMerge w:val='restart'/>") + smart + tc("B") + tc("C") + "</w:tr>"
    row3 = "<w:tr>" + tc("", "<w:vMerge/>") + tc("x") + tc("y") + tc("z") + "</w:tr>"
    grid = "<w:tblGrid>" + "<w:gridCol/>" * 4 + "</w:tblGrid>"
    body_sdt = (
        f"<w:sdt {W}><w:sdtContent><w:p><w:r><w:t>控件内段落</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    data = docx_with_body(body_sdt, f"<w:tbl {W}>{grid}{row1}{row2}{row3}</w:tbl>")
    doc = parse_bytes(data, "controls.docx")
    assert doc.blocks[0] == Paragraph("控件内段落", line=1)
    table = doc.blocks[1]
    assert isinstance(table, Table)
    assert spans(table) == [
        [("甲", 0, 1, 1, 2), ("乙", 0, 3, 1, 1)],
        [("A", 1, 0, 2, 1), ("丙丁", 1, 1, 1, 1), ("B", 1, 2, 1, 1), ("C", 1, 3, 1, 1)],
        [("x", 2, 1, 1, 1), ("y", 2, 2, 1, 1), ("z", 2, 3, 1, 1)],
    ]


def test_deleted_text_and_field_codes_are_not_text() -> None:
    para = (
        f"<w:p {W}><w:r><w:t>保留</w:t></w:r><w:del w:id='1' w:author='a'><w:r>"
        "<w:delText>删除</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r>"
        "<w:ins w:id='2' w:author='a'><w:r><w:t>插入</w:t></w:r></w:ins></w:p>"
    )
    assert parse_bytes(docx_with_body(para), "t.docx").blocks == (Paragraph("保留插入", line=1),)


def test_long_vmerge_chain_resolves_once() -> None:
    """3,000 rows under one merged label (python-docx's row.cells recurses on such chains).
    Speed is measured by bench/docx_bench.py, not here."""
    cells = "".join(tc(f"c{k}") for k in range(1, 8))
    first = "<w:tr>" + tc("label", "<w:vMerge w:val='restart'/>") + cells + "</w:tr>"
    more = ("<w:tr>" + tc("", "<w:vMerge/>") + cells + "</w:tr>") * 2999
    grid = "<w:tblGrid>" + "<w:gridCol/>" * 8 + "</w:tblGrid>"
    table = next(
        parse_bytes(docx_with_body(f"<w:tbl {W}>{grid}{first}{more}</w:tbl>"), "big.docx").tables()
    )
    assert (table.rows[0][0].text, table.rows[0][0].rowspan) == ("label", 3000)
    assert [len(row) for row in table.rows[:3]] == [8, 7, 7]
    assert table.rows[2999][0].text == "c1"


def test_corrupt_docx_names_the_file() -> None:
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("word/document.xml", "<w:document")
    with pytest.raises(ParseError, match=r"^broken\.docx: not a readable \.docx"):
        parse_bytes(bad.getvalue(), "broken.docx")


@pytest.mark.skipif(office.executable() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("ext", ["doc", "wps"])
def test_a_broken_legacy_word_file_is_an_error(ext: str) -> None:
    """.doc/.wps go through LibreOffice (parsers/word97.py); bytes it cannot load say so."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(ParseError, match=rf"old\.{ext}: LibreOffice could not convert it"):
        parse_bytes(ole, f"old.{ext}")
