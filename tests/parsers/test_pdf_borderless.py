"""Tables without ruling lines read from word positions (parsers.pdf.borderless).

Fixtures: the fifth table of pagebreaks.pdf (a LibreOffice export of a borderless Word table,
tests/fixtures/make/make_page_breaks.py), pdf-borderless-centred.pdf, whose centred cells
share no column edge, and pdf-borderless-wrapped-name.pdf, a name typed over two lines under
labels merged down, and pdf-borderless-part-rows.pdf, two 其中 part rows whose cells fill
their columns (make_pdf_cases.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import parse
from pipeline.batch.document import process_file
from schemas import Notice, Paragraph, Table
from schemas.profile import load_profile

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"


@pytest.fixture(scope="module")
def borderless() -> Table:
    tables = list(parse(FORMATS / "pagebreaks.pdf").tables())
    assert len(tables) == 5
    return tables[4]


def _row(table: Table, k: int) -> list[tuple[str, int, int, int]]:
    """(text, col, rowspan, colspan) of the cells with text starting in row k."""
    return [(c.text, c.col, c.rowspan, c.colspan) for c in table.rows[k] if c.text]


def test_wrapped_cells_join_their_row(borderless: Table) -> None:
    """`维护公益设施处` / `数`, `<=1.2万` / `元`, `95.00` / `%`: one cell each, one row each."""
    assert len(borderless.rows) == 14
    assert _row(borderless, 3) == [
        ("年度资金总额", 1, 1, 2),
        ("80.00", 3, 1, 1),
        ("80.00", 4, 1, 1),
        ("76.00", 5, 1, 1),
        ("10", 6, 1, 1),
        ("95.00%", 7, 1, 1),
        ("9.50分", 8, 1, 1),
    ]
    assert _row(borderless, 8) == [
        ("年度绩效指标完成情况", 0, 3, 1),  # a label merged down over three rows
        ("产出指标", 1, 1, 1),
        ("数量指标", 2, 1, 1),
        ("维护公益设施处数", 3, 1, 1),
        (">=60处", 4, 1, 1),
        ("=64处", 5, 1, 1),
        ("20", 6, 1, 1),
        ("20", 7, 1, 1),
    ]
    assert [c.text for c in borderless.rows[10] if c.text][:2] == ["成本指标", "单处维护费用"]
    assert _row(borderless, 13) == [("总分", 0, 1, 1), ("100", 6, 1, 1), ("99.50", 7, 1, 1)]


def test_every_place_holds_a_cell_with_its_box(borderless: Table) -> None:
    dense = borderless.dense()
    assert all(slot is not None for row in dense for slot in row)
    cells = [c for row in borderless.rows for c in row]
    assert all(c.page == 10 and c.bbox is not None and c.where for c in cells)
    assert cells[0].where == "page 10, box (57,104)-(133,119)"  # 项目名称, two columns


def test_the_open_guesses_are_listed() -> None:
    notices = parse(FORMATS / "pagebreaks.pdf").notices
    assert [n.code for n in notices] == ["TABLE_LAYOUT_GUESSED"]
    assert "年度绩效/指标 joined" in notices[0].message
    assert "3 of them joined" in notices[0].message
    assert "年度/总体 kept apart" in notices[0].message


def test_centred_cells_are_no_grid_but_every_line_is_kept() -> None:
    doc = parse(FORMATS / "pdf-borderless-centred.pdf")
    assert not list(doc.tables())
    assert doc.notices == (
        Notice(
            "TABLE_LAYOUT_UNREAD",
            "page 1: a table-like block without ruling lines ('序号' starts on no column edge) "
            "was not read as a grid; its lines are kept as text",
            page=1,
        ),
    )
    lines = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert lines[1:4] == [
        "序号 指标 目标值 完成值",
        "1 指标甲 >=37个 =41个",
        "2 指标甲甲 >=74个 =82个",
    ]
    assert len(lines) == 11


def test_a_name_typed_over_two_lines_stays_in_its_own_row() -> None:
    """`农机补贴发放` / `户数` with `≥300户 305` and a blank 偏差原因, under a full row whose
    labels are merged down: its first line goes on under the row above column by column like
    a cell's next paragraph, but a number under a number is the next row's value. The last
    row's second line fills four of six columns, but `分）` closes the bracket `满意度（10`
    left open: one row over two lines; its name's last line, alone and wider than the line
    above, is still the table's (not the paragraph after it, which starts at the margin)."""
    (table,) = parse(FORMATS / "pdf-borderless-wrapped-name.pdf").tables()
    texts = [[c.text for c in row if c.text] for row in table.rows]
    assert texts == [
        ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "偏差原因"],
        ["产出指标", "数量指标", "培训覆盖人数", "≥800人", "812人", "按计划完成"],
        ["农机补贴发放户数", "≥300户", "305"],
        ["质量指标", "验收合格率", "=100%", "100%", "无"],
        ["效益指标", "社会效益指标", "受益群众满意度", "≥90%", "93%", "部分项目进度滞后"],
        ["满意度（10分）", "服务对象满意度指标", "群众满意度测评结果", "≥90%", "95%", "无偏差"],
    ]
    assert _row(table, 2) == [
        ("农机补贴发放户数", 2, 1, 1),
        ("≥300户", 3, 1, 1),
        ("305", 4, 1, 1),
    ]


def test_a_table_that_goes_on_over_the_page_is_one_table() -> None:
    """Four rows at the top of page 2 (too few to look like a table, their label columns
    empty) are read on the columns of the table that ran to the foot of page 1, and
    stitched to it as a ruled table's rest is."""
    (table,) = parse(FORMATS / "pdf-borderless-two-pages.pdf").tables()
    assert (table.page_start, table.page_end, len(table.rows)) == (1, 2, 46)
    assert _row(table, 45) == [
        ("第45项培训人数", 2, 1, 1),
        ("≥144人", 3, 1, 1),
        ("145人", 4, 1, 1),
        ("2", 5, 1, 1),
        ("2", 6, 1, 1),
    ]
    result = process_file(FORMATS / "pdf-borderless-two-pages.pdf", load_profile("central"))
    assert len(result.indicators) == 45
    assert result.indicators[-1].level3 == "第45项培训人数"
    assert not [f for f in result.findings if f.code.endswith("_UNPARSED")]


def test_part_rows_that_fill_their_columns_stay_two_rows() -> None:
    """Every cell of `其中：乡镇服务人次 | >=1840人次 | 1842人次` starts where the cell above
    it would have wrapped (each ran up to its column's edge), but a value printed whole with
    its unit leaves nothing to wrap: two rows, not one row of two names and two values."""
    path = FORMATS / "pdf-borderless-part-rows.pdf"
    (table,) = parse(path).tables()
    texts = [[c.text for c in row if c.text] for row in table.rows]
    assert texts[2:4] == [
        ["其中：城区服务人次", ">=2760人次", "2763人次"],
        ["其中：乡镇服务人次", ">=1840人次", "1842人次"],
    ]
    result = process_file(path, load_profile("central"))
    rows = [(r.level3, r.target_raw, r.actual_raw, r.row_kind) for r in result.indicators]
    assert rows[1:3] == [
        ("其中：城区服务人次", ">=2760人次", "2763人次", "part"),
        ("其中：乡镇服务人次", ">=1840人次", "1842人次", "part"),
    ]
    parent = result.indicators[0].indicator_id
    assert [r.parent_id for r in result.indicators[1:3]] == [parent, parent]
