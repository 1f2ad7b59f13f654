"""PDF internals on synthetic input: stitching rules, text-page joins, scanned pages."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.pdf import reader as pdf
from parsers.pdf.grid import Box, RawTable, continues, stitch, to_table
from schemas import Paragraph

PAGE = 842.0  # doctop offset of page 2


def box(x0: float, x1: float, top: float, bottom: float, text: str, page: int = 1) -> Box:
    """A cell as drawn; its text, if any, set down to the bottom padding."""
    offset = PAGE * (page - 1)
    low = bottom + offset - 4 if text else None
    return Box(x0, x1, top + offset, bottom + offset, page, text, low)


def page1() -> RawTable:
    """| 一级 (rowspan 2) | 甲 | 1 |  /  |     | 乙 | 2 |, bottom at y=700."""
    return RawTable(
        [
            box(0, 50, 600, 700, "一级"),
            box(50, 100, 600, 650, "甲"),
            box(100, 150, 600, 650, "1"),
            box(50, 100, 650, 700, "乙"),
            box(100, 150, 650, 700, "2"),
        ],
        1,
        1,
    )


def grid(raw: RawTable) -> list[list[tuple[str, int, int, int, int, int | None]]]:
    table = to_table(raw)
    return [[(c.text, c.row, c.col, c.rowspan, c.colspan, c.page) for c in r] for r in table.rows]


def test_label_merged_down_over_the_break_extends() -> None:
    nxt = RawTable(
        [
            box(0, 50, 50, 100, "", 2),
            box(50, 100, 50, 100, "丙", 2),
            box(100, 150, 50, 100, "3", 2),
        ],
        2,
        2,
    )
    assert continues(page1(), nxt)
    assert grid(stitch(page1(), nxt)) == [
        [("一级", 0, 0, 3, 1, 1), ("甲", 0, 1, 1, 1, 1), ("1", 0, 2, 1, 1, 1)],
        [("乙", 1, 1, 1, 1, 1), ("2", 1, 2, 1, 1, 1)],
        [("丙", 2, 1, 1, 1, 2), ("3", 2, 2, 1, 1, 2)],
    ]


def test_split_row_text_joined_into_the_row_above() -> None:
    # the key cell (乙) is empty below the break while the value cell goes on
    nxt = RawTable(
        [box(0, 50, 50, 80, "", 2), box(50, 100, 50, 80, "", 2), box(100, 150, 50, 80, "万元", 2)],
        2,
        2,
    )
    assert grid(stitch(page1(), nxt))[1] == [("乙", 1, 1, 1, 1, 1), ("2万元", 1, 2, 1, 1, 1)]


def test_unrelated_table_on_next_page_is_not_stitched() -> None:
    wider = RawTable([box(0, 300, 50, 100, "另一表", 2)], 2, 2)
    later = RawTable([box(0, 150, 50, 100, "x", 3)], 3, 3)
    assert not continues(page1(), wider)
    assert not continues(page1(), later)


def test_table_ending_high_on_its_page_is_finished() -> None:
    ended = page1()
    ended.ends_low = False  # e.g. the form ended mid-page and the next form starts a new page
    same_columns = RawTable([box(0, 50, 50, 100, "一级", 2), box(50, 150, 50, 100, "x", 2)], 2, 2)
    assert continues(page1(), same_columns)
    assert not continues(ended, same_columns)


def test_repeated_header_rows_dropped() -> None:
    head = [box(0, 50, 500, 600, "序号"), box(50, 150, 500, 600, "指标")]
    first = RawTable([*head, box(0, 50, 600, 700, "1"), box(50, 150, 600, 700, "甲")], 1, 1)
    again = [box(0, 50, 50, 150, "序号", 2), box(50, 150, 50, 150, "指标", 2)]
    nxt = RawTable([*again, box(0, 50, 150, 250, "2", 2), box(50, 150, 150, 250, "乙", 2)], 2, 2)
    texts = [[c[0] for c in row] for row in grid(stitch(first, nxt))]
    assert texts == [["序号", "指标"], ["1", "甲"], ["2", "乙"]]


def test_text_page_joins_wrapped_prose_not_table_rows() -> None:
    prose = "本年度预算执行情况良好各项目均按计划推进完成了年初设定的绩效目标任务具体"
    rows = [
        prose,
        "情况如下。",
        "基建工程委托业务项目数量 大于等于五十个项目 五十 八 8",
        "基建工程委托业务项目质量 大于等于九十五百分比 九五 八 8",
    ]
    page = pdf._Page(1, 842.0, "text", text="\r\n".join(rows))
    blocks = [it.block for it in pdf._text_items(page)]
    assert blocks == [Paragraph(t, page=1) for t in (prose + "情况如下。", rows[2], rows[3])]


def test_image_only_page_is_reported_as_unreadable() -> None:
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(595, 842)
    image = pdfium.PdfImage.new(doc)
    bitmap = pdfium.PdfBitmap.new_native(40, 40, pdfium_c.FPDFBitmap_BGR)
    bitmap.fill_rect((255, 255, 255, 255), 0, 0, 40, 40)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(200, 200).translate(100, 500))
    page.insert_obj(image)
    page.gen_content()
    out = io.BytesIO()
    doc.save(out)
    parsed = pdf.read(out.getvalue(), "scan.pdf", "0" * 64)
    assert parsed.blocks == ()
    assert [(n.code, n.page) for n in parsed.notices] == [("TEXT_LAYER_UNREADABLE", 1)]
    assert "only images" in parsed.notices[0].message


def mof_page1() -> RawTable:
    """| 产出 (rowspan 2) | 甲 | 1 | 5 | / | | 乙乙乙乙 | 2 | 5 |, bottom at y=700."""
    return RawTable(
        [
            box(0, 50, 600, 700, "产出"),
            box(50, 100, 600, 650, "甲"),
            box(100, 150, 600, 650, "1"),
            box(150, 200, 600, 650, "5"),
            box(50, 100, 650, 700, "乙乙乙乙"),
            box(100, 150, 650, 700, "2"),
            box(150, 200, 650, 700, "5"),
        ],
        1,
        1,
    )


def test_row_broken_in_its_first_text_cell_is_joined() -> None:
    # the name (the row's first text cell) goes on; the other cells of the row are empty
    nxt = RawTable(
        [
            box(0, 50, 50, 100, "", 2),
            box(50, 100, 50, 70, "丙丙", 2),
            box(100, 150, 50, 70, "", 2),
            box(150, 200, 50, 70, "", 2),
            box(50, 100, 70, 100, "丁", 2),
            box(100, 150, 70, 100, "3", 2),
            box(150, 200, 70, 100, "5", 2),
        ],
        2,
        2,
    )
    texts = [[c[0] for c in row] for row in grid(stitch(mof_page1(), nxt))]
    assert texts == [["产出", "甲", "1", "5"], ["乙乙乙乙丙丙", "2", "5"], ["丁", "3", "5"]]


def test_new_row_after_a_full_row_is_not_joined() -> None:
    nxt = RawTable(
        [
            box(0, 50, 50, 70, "", 2),
            box(50, 100, 50, 70, "丙", 2),
            box(100, 150, 50, 70, "3", 2),
            box(150, 200, 50, 70, "5", 2),
        ],
        2,
        2,
    )
    texts = [[c[0] for c in row] for row in grid(stitch(mof_page1(), nxt))]
    assert texts == [["产出", "甲", "1", "5"], ["乙乙乙乙", "2", "5"], ["丙", "3", "5"]]


def test_merged_label_cut_by_the_break_keeps_its_end() -> None:
    # a new row starts on page 2, but the level label merged over it goes on there
    nxt = RawTable(
        [
            box(0, 50, 50, 100, "指标", 2),
            box(50, 100, 50, 100, "丙", 2),
            box(100, 150, 50, 100, "3", 2),
            box(150, 200, 50, 100, "5", 2),
        ],
        2,
        2,
    )
    rows = grid(stitch(mof_page1(), nxt))
    assert rows[0][0] == ("产出指标", 0, 0, 3, 1, 1)
    assert [c[0] for c in rows[2]] == ["丙", "3", "5"]


def test_continuation_drawn_on_other_column_edges_is_mapped_by_overlap() -> None:
    # page 2's inner edges sit 7 points right of page 1's: the grid of a resized row
    nxt = RawTable(
        [
            box(0, 50, 50, 100, "", 2),
            box(50, 107, 50, 100, "丙", 2),
            box(107, 157, 50, 100, "3", 2),
            box(157, 200, 50, 100, "5", 2),
        ],
        2,
        2,
    )
    assert continues(mof_page1(), nxt)
    rows = grid(stitch(mof_page1(), nxt))
    assert rows[2] == [("丙", 2, 1, 1, 1, 2), ("3", 2, 2, 1, 1, 2), ("5", 2, 3, 1, 1, 2)]
    assert rows[0][0] == ("产出", 0, 0, 3, 1, 1)


def test_cells_carry_page_and_box() -> None:
    cell = to_table(mof_page1()).rows[1][0]
    assert (cell.page, cell.where) == (1, "page 1, box (50,650)-(100,700)")


def test_sub_row_without_weight_after_a_short_name_is_a_row_of_its_own() -> None:
    # a 其中 sub-row leaves the weight empty like a continuation would, but the name above
    # ends far short of its cell's right border: nothing wrapped there
    first = mof_page1()
    name = first.boxes[4]
    name.line_end, name.first_width = name.x0 + 12, 9.0
    nxt = RawTable(
        [
            box(0, 50, 50, 70, "", 2),
            box(50, 100, 50, 70, "其中：丙", 2),
            box(100, 150, 50, 70, "3", 2),
            box(150, 200, 50, 70, "", 2),
        ],
        2,
        2,
    )
    for bx in nxt.boxes:
        bx.first_width = 9.0 if bx.text else None
    texts = [[c[0] for c in row] for row in grid(stitch(first, nxt))]
    assert texts == [["产出", "甲", "1", "5"], ["乙乙乙乙", "2", "5"], ["其中：丙", "3", ""]]
