"""Row checks that keep OCR'd and run-together text from becoming wrong rows."""

from __future__ import annotations

import pytest

from pipeline.extract.located import LocatedTable, RawIndicator, Text
from pipeline.extract.rowcheck import row_problem, vet


def _t(s: str | None) -> Text | None:
    return Text(s, 1, 1) if s is not None else None


def _row(
    name: str,
    target: str | None,
    actual: str | None = None,
    weight: str | None = None,
    score: str | None = None,
    level1: str | None = None,
) -> RawIndicator:
    return RawIndicator(
        _t(level1), None, _t(name), _t(target), _t(actual), _t(weight), _t(score),
        None, None, 1, 1,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (_row("受益群众完好率", "≧85$", "87%", "10", "10"), "look-alikes"),
        (_row("受益群众完好率", "≧ 85 $", "87%", "10", "10"), "look-alikes"),
        (_row("农村饮水带动作用", "定性好IO", "好", None, "10"), "look-alikes"),
        (_row("受益群众完好率", "5=", "90", "20", "20"), "look-alikes"),
        (_row("受益群众达标率", "工", "95%", "14", "14"), "look-alikes"),
        (_row("受益群众达标率", "≥95%", "%", "14", "14"), "the actual '%' is a unit without"),
        # a split target's cells read as the actual, its actual as the score (S15万元 · 13.19)
        (_row("人均补助标准", None, "≤15万元", None, "13.19"), "comparator a blank target lacks"),
        (_row("项目总成本", "≤15万元", "万元", "19"), "the actual '万元' is a unit without"),
        (_row("优良中低差", "好", "已完成", None, "8"), "is a 定性 grade scale"),
        (
            _row("产出指标时效指标路灯照明资金拨付及时性2023年12月31日前", "及时", "按时完成"),
            "holds its level labels",
        ),
        (
            _row("其中：城区服务人次其中：乡镇服务人次", "≥2760人次", "2763人次"),
            "two 其中 parts",
        ),
        (_row("城区服务人次", ">=2760人次>=1840人次", "2763人次"), "two values run together"),
        (_row("城区服务人次", "≥2760人次", "2763人次1842人次"), "two values run together"),
        (_row("受益群众满意度", "≥85%", "87%90%", "10", "10"), "two values run together"),
        (_row("观众满意度", "≥90%", "参训人员满意度≧85%5"), "two values run together"),
        (_row("送戏下乡演出", "≥24场", "場", "30"), "is a unit without its value"),
        (_row("受益群众满意度", "85%-95%", "90%", "10", "10"), None),  # a range
        (_row("设备安装面积", "≥100m2", "120m2", "10", "10"), None),  # m2: a unit's digit
        (_row("资金拨付及时性", "2023年12月31日前", "按时完成", "5", "5"), None),
        (_row("其中：城区服务人次", "≥2760人次", "2763人次"), None),
        (_row("产出指标完成率", "≥90%", "95%", "10", "10"), None),  # a name may open with one
        (_row("培训人数", "20人次", "21人次", "10", "10"), None),
        (_row("项目完成质量", "优良", "良", "10", "9"), None),
    ],
)
def test_damaged_cells_are_no_values(row: RawIndicator, problem: str | None) -> None:
    found = row_problem(row)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_a_leading_two_is_unsure_only_in_text_that_shows_look_alikes() -> None:
    row = _row("学生资助服务人次", "24600所", "4600", None, "8")
    assert row_problem(row) is None
    assert row_problem(row, damaged=True) is not None
    cut = _row("社区养老单位成本S", "46.5万元", "42.58万元", None, "13")
    assert row_problem(cut) is None
    assert "misread comparator" in (row_problem(cut, damaged=True) or "")


def _table(rows: list[RawIndicator], total_weight: str | None = None) -> LocatedTable:
    table = LocatedTable(title=Text("t", 1, 1), kind="project")
    table.indicators, table.total_weight = rows, total_weight
    return table


def test_a_weight_the_table_cannot_hold_is_reported() -> None:
    whole = _row("残疾人康复长效机制", "有效", "好", "100")
    level = _row("受益群众覆盖率", "≥98%", "98%", "60", "60", level1="产出指标(50分)")
    fine = _row("文化活动建设数量", "≥850次", "855次", "40", "40", level1="产出指标(50分)")
    table = _table([whole, level, fine], total_weight="100")
    vet(table)  # clean text: a row over its level is a printed error, left to the audit
    assert [r.level3.text for r in table.indicators if r.level3] == [
        "受益群众覆盖率",
        "文化活动建设数量",
    ]
    assert ["whole table's" in u.text for u in table.unparsed] == [True]
    damaged = _table([level, fine])
    damaged.unparsed.append(Text("农技推广完成率 | IO0 | 85$", 1, 2))
    vet(damaged)  # OCR'd text: the same row is more likely a misread weight
    assert [r.level3.text for r in damaged.indicators if r.level3] == ["文化活动建设数量"]
    assert "above its level's 50" in damaged.unparsed[1].text


def test_one_row_may_hold_the_whole_weight() -> None:
    table = _table([_row("资金到位率", "100%", "100%", "100", "100")])
    vet(table)
    assert len(table.indicators) == 1


def test_look_alikes_in_unread_cells_make_a_leading_two_unsure() -> None:
    table = _table([_row("学生资助服务人次", "24600所", "4600", "8", "8")])
    table.unparsed.append(Text("农技推广完成率 | IO0 | 85$", 1, 2))
    vet(table)
    assert not table.indicators


def _level2_row(level2: str) -> RawIndicator:
    return RawIndicator(
        _t("产出指标"), _t(level2), _t("群众满意度"), _t("≥90%"), _t("92%"), _t("10"), _t("10"),
        None, None, 1, 1,
    )  # fmt: skip


def test_a_cell_wrapped_into_two_rows_is_not_a_row() -> None:
    """Borderless PDF text: a name cut inside its bracket, or a level label cut inside 指标."""
    assert "cut inside a bracket" in (row_problem(_row("管理制度健全性(11", "≥90%", "92%")) or "")
    assert "cut inside a bracket" in (row_problem(_row("分)", "≥90%", "92%")) or "")
    assert row_problem(_row("管理制度健全性(11分)", "≥90%", "92%", "11", "11")) is None
    assert "cut short" in (row_problem(_level2_row("服务对象满意度指")) or "")
    assert "cut short" in (row_problem(_level2_row("标")) or "")
    # a label's short form is a label (rubric sheets print 社会效益, 满意度)
    assert row_problem(_level2_row("社会效益")) is None
    assert row_problem(_level2_row("满意度")) is None


def test_a_whole_table_score_on_a_row_without_weight_is_reported() -> None:
    table = LocatedTable(title=Text("项目支出绩效自评表", 1, 1), kind="project")
    table.indicators = [
        _row("路灯照明长效机制", "达标", None, None, "100"),
        _row("道路养护里程", "≥40公里", "42公里", "20", "20"),
    ]
    vet(table)
    assert [r.level3.text for r in table.indicators if r.level3] == ["道路养护里程"]
    assert "the score '100' is the whole table's" in table.unparsed[0].text


def test_a_level_label_cut_inside_its_bracket_is_no_level() -> None:
    """`产出指标（50` over `分）`: a merged label's wrap read as two rows' labels."""
    cut = _row("受益群众覆盖率", "≥95%", "96%", "17", "17", level1="产出指标（50")
    rest = _row("社区养老覆盖率", "≥80%", "80%", "17", "17", level1="分）")
    assert "cut inside a bracket" in (row_problem(cut) or "")
    assert "cut inside a bracket" in (row_problem(rest) or "")
    whole = _row("受益群众覆盖率", "≥95%", "96%", "17", "17", level1="产出指标（50分）")
    assert row_problem(whole) is None


def test_a_level_label_that_goes_on_in_the_next_row_is_reported() -> None:
    """`质量` on one row and `指标` on the next: 质量指标 typed over two lines of a cell
    merged down. Both rows sit under a label that was not read whole."""
    table = _table([_level2_row("质量"), _level2_row("指标"), _level2_row("时效指标")])
    vet(table)
    assert [r.level2.text for r in table.indicators if r.level2] == ["时效指标"]
    assert ["goes on in the next row ('指标')" in u.text for u in table.unparsed] == [True, False]
    # a short label over the next row's own label stays (社会效益 then 经济效益指标)
    table = _table([_level2_row("社会效益"), _level2_row("经济效益指标")])
    vet(table)
    assert len(table.indicators) == 2
