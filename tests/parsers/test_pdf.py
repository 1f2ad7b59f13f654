"""PDF reader: grids from cell boxes, stitching over page breaks, CJK joins, bad text layers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from parsers import parse, parse_bytes
from parsers._text import collapse, join_lines
from parsers.pdf import reader as pdf
from schemas import Document, Notice, Paragraph, ParseError, Table

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
LONG = "该指标年度内分四个阶段推进，" * 60  # the split row's text, see make_pdf_cases.py


def only_table(path: Path) -> Table:
    tables = list(parse(path).tables())
    assert len(tables) == 1
    return tables[0]


def texts(row: tuple[object, ...]) -> list[str]:
    return [getattr(c, "text", "") for c in row]


@pytest.fixture(scope="module")
def seed_tables() -> list[Table]:
    doc = parse(FORMATS / "seed004.pdf")
    assert (doc.format, doc.pages, doc.notices) == ("pdf", 14, ())
    return list(doc.tables())


def test_seed_nine_tables_on_their_pages(seed_tables: list[Table]) -> None:
    pages = [(t.page_start, t.page_end, len(t.rows)) for t in seed_tables]
    assert pages == [
        (4, 4, 12), (5, 5, 21), (6, 6, 17), (7, 8, 24), (9, 9, 24),
        (10, 10, 20), (11, 11, 23), (12, 12, 18), (13, 13, 23),
    ]  # fmt: skip


def test_spans_rebuilt_from_boxes(seed_tables: list[Table]) -> None:
    grid = [[(c.text, c.row, c.col, c.rowspan, c.colspan) for c in r] for r in seed_tables[1].rows]
    assert grid[0] == [("项目名称", 0, 0, 1, 2), ("科普经费", 0, 2, 1, 7)]
    assert grid[2][0] == ("项目资金（万元）", 2, 0, 4, 1)
    assert grid[9][:3] == [
        ("年度绩效指标完成情况", 9, 0, 11, 1),
        ("产出指标", 9, 1, 6, 1),
        ("数量指标", 9, 2, 3, 1),
    ]
    assert grid[20][:2] == [("总分", 20, 0, 1, 4), ("", 20, 4, 1, 2)]


def test_table_across_a_page_keeps_each_cells_page(seed_tables: list[Table]) -> None:
    table = seed_tables[3]  # 自治区2024年“基层科普行动计划”, pages 7-8
    label, level1 = table.rows[9][0], table.rows[17][0]
    assert (label.text, label.rowspan, label.page) == ("年度绩效指标完成情况", 14, 7)
    assert (level1.text, level1.row, level1.rowspan, level1.page) == ("成本指标", 17, 4, 7)
    row20 = table.rows[20]  # the first row printed on page 8
    assert [c.col for c in row20] == [3, 4, 5, 6, 7, 8]
    assert texts(row20)[:5] == [
        "开发创作高质量科普视频或科普创作作品1个",
        ">=22万元",
        "=22万元",
        "7",
        "7",
    ]
    assert {c.page for c in row20} == {8}
    assert texts(table.rows[23])[:4] == ["总分", "", "100", "91.23分"]


def test_cjk_line_join_inside_cells(seed_tables: list[Table]) -> None:
    # printed as ">=22 万" / "元" on two lines, and "15 个" with a layout gap
    assert seed_tables[3].rows[20][1].text == ">=22万元"
    assert seed_tables[3].rows[18][0].text == "奖补科普教育基地15个"
    assert join_lines([">=15万", "元"]) == ">=15万元"
    assert join_lines(["<=2716.6", "7元/人/月"]) == "<=2716.67元/人/月"
    assert (
        join_lines(["deviation due", "to staffing", "，人员"]) == "deviation due to staffing，人员"
    )
    assert collapse(" 科普\n 活动  次数 a\nb ") == "科普活动 次数 a b"


def test_row_split_by_page_break_is_one_row() -> None:
    table = only_table(FORMATS / "pdf-split-row.pdf")
    assert (table.page_start, table.page_end, len(table.rows)) == (1, 2, 22)
    split = table.rows[18]
    assert texts(split) == ["18", "跨页指标", ">=18个", LONG + "完。"]
    assert {c.page for c in split} == {1}
    assert texts(table.rows[19]) == ["19", "指标19", ">=19个", ""]
    assert {c.page for c in table.rows[19]} == {2}


def test_header_repeated_on_next_page_is_dropped() -> None:
    doc = parse(FORMATS / "pdf-repeated-header.pdf")
    assert doc.blocks[0] == Paragraph("附表 指标清单", page=1)
    table = only_table(FORMATS / "pdf-repeated-header.pdf")
    assert (table.page_start, table.page_end, len(table.rows)) == (1, 2, 61)
    assert texts(table.rows[0]) == ["序号", "指标", "目标值", "说明"]
    assert [texts(r)[0] for r in table.rows[1:]] == [str(i) for i in range(1, 61)]
    first_on_page_2 = next(r for r in table.rows if r[0].page == 2)
    k = first_on_page_2[0].text
    assert texts(first_on_page_2) == [k, f"指标{k}", f">={k}万元", f"说明{k}"]


def test_unmapped_glyphs_give_a_notice_not_garbage() -> None:
    doc = parse(FORMATS / "pdf-cid-glyphs.pdf")
    assert doc.blocks == ()
    assert len(doc.notices) == 1
    notice = doc.notices[0]
    assert isinstance(notice, Notice)
    assert (notice.code, notice.page) == ("TEXT_LAYER_UNREADABLE", 1)
    assert "no Unicode mapping" in notice.message


def test_encrypted_pdf_is_a_parse_error() -> None:
    path = FORMATS / "pdf-encrypted.pdf"
    with pytest.raises(ParseError, match=r"pdf-encrypted\.pdf: .*encrypted"):
        parse(path)  # the byte limits may catch it first; the reader must on its own too
    with pytest.raises(ParseError, match=r"^enc\.pdf: encrypted PDF \(a password is required"):
        pdf.read(path.read_bytes(), "enc.pdf", "0" * 64)


def test_corrupt_pdf_is_a_parse_error() -> None:
    cut = b"%PDF-1.7\n1 0 obj << /Type /Catalog"
    with pytest.raises(ParseError, match=r"^cut\.pdf: "):
        parse_bytes(cut, "cut.pdf")
    with pytest.raises(ParseError, match=r"^cut\.pdf: corrupt or unreadable PDF"):
        pdf.read(cut, "cut.pdf", "0" * 64)


def test_narrative_pages_are_paragraphs_with_pages() -> None:
    doc = parse(FORMATS / "seed004.pdf")
    first = next(doc.paragraphs())
    assert first == Paragraph("第一部分 部门概况", page=1)
    assert any(p.text.startswith("2024年度收入总计1,368.01万元") for p in doc.paragraphs())
    assert all(p.page is not None for p in doc.paragraphs())


def test_threads_reading_pdfs_at_once_do_not_crash_pdfium() -> None:
    """Regression: a Dask worker with two threads killed the process with SIGTRAP (pdfium's
    CHECK) when both read a PDF at once. Every pdfium use now holds one lock."""
    data = (FORMATS / "seed004.pdf").read_bytes()
    results: list[Document] = []

    def work() -> None:
        for _ in range(4):
            results.append(pdf.read(data, "seed004.pdf", "0" * 64))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 12
    assert all(r.blocks == results[0].blocks for r in results)
