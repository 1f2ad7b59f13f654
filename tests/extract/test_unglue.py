"""Cells that ran together: cut only where the text proves the cut, reported otherwise."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.batch.document import process_file
from pipeline.extract.glued_budget import budget_row
from pipeline.extract.glued_cells import split_words
from pipeline.extract.glued_rows import HEADER_WORDS, choose, cut_line
from pipeline.extract.located import Text
from pipeline.extract.unglue import unglue
from schemas.profile import Profile

GLUED = Path(__file__).parents[1] / "fixtures" / "layouts" / "glued.txt"
MOF = ("level3", "target", "actual", "weight", "score", "reason")


def _line(text: str, line: int) -> Text:
    return Text(text, 1, line)


def test_glued_table_reads_its_proven_rows_and_reports_the_rest(central: Profile) -> None:
    result = process_file(GLUED, central)
    rows = [
        (r.level1, r.level1_weight, r.level2, r.level3, r.target_raw, r.actual_raw, r.weight,
         r.score_stated)
        for r in result.indicators
    ]  # fmt: skip
    assert rows == [
        ("产出指标", 50.0, "数量指标", "道路养护里程", "≥40公里", "42公里", 15.0, 15.0),
        ("产出指标", 50.0, "数量指标", "路灯维修数量", "≥200盏", "190盏", 10.0, 10.0),
        ("产出指标", 50.0, "质量指标", "养护路段合格率", "≥95%", "96%", 15.0, 15.0),
        ("产出指标", 50.0, "成本指标", "养护单位成本", "≤3.5万元", "3.42万元", 10.0, 10.0),
        ("效益指标", 30.0, "社会效益指标", "道路通行状况", "明显改善", "达成预期指标", 15.0, 15.0),
        ("满意度指标", 10.0, "服务对象满意度指标", "群众满意度", "≥90%", "92%", 10.0, 10.0),
    ]
    (table,) = result.tables
    assert (table.project_name, table.department, table.implementer) == (
        "城区道路养护经费",
        "示例县交通运输局",
        "示例县公路养护中心",
    )
    assert (table.budget_full_year, table.budget_executed, table.exec_weight) == (
        120.0,
        118.2,
        10.0,
    )
    assert (table.exec_rate_stated, table.exec_score_stated, table.total_stated) == (
        0.985,
        9.85,
        100.0,
    )
    # the line whose qualitative cells have no provable border is reported, and with a row
    # unread no total or level sum is checked (they would flag a correct table)
    assert table.rows_unread == 1 and table.total_recomputed is None
    findings = sorted((f.code, f.message) for f in result.findings)
    assert [code for code, _ in findings] == ["ROW_UNPARSED", "SCORE_MISMATCH"]
    assert "养护机制运行持续有效效果明显1515.00无" in findings[0][1]
    assert findings[1][1].startswith("路灯维修数量：")


def test_header_cut_by_its_vocabulary() -> None:
    words = split_words(
        "一级指标二级指标三级指标年度绩效指标值全年实际值权重得分偏差原因", HEADER_WORDS
    )
    assert words is not None
    assert words[:3] == ["一级指标", "二级指标", "三级指标"]
    assert words[-4:] == ["全年实际值", "权重", "得分", "偏差原因"]
    assert split_words("道路养护里程≥40公里42公里", HEADER_WORDS) is None


def test_budget_row_cut_by_its_decimals_and_rate() -> None:
    columns = ["initial", "full_year", "executed", "weight", "rate", "score"]
    assert budget_row("年度资金总额86.4086.4086.4010100.00%10", columns) == [
        "年度资金总额", "86.40", "86.40", "86.40", "10", "100.00%", "10",
    ]  # fmt: skip
    assert budget_row("年度资金总额864,000.00864,000.00864,000.0020100%20", columns) == [
        "年度资金总额", "864,000.00", "864,000.00", "864,000.00", "20", "100%", "20",
    ]  # fmt: skip
    # amounts without decimals could end anywhere: not cut
    assert budget_row("年度资金总额300300259", columns) is None


def test_weights_prove_a_cut_the_digits_leave_open() -> None:
    """`551313.00` is 55 | 13 | 13.00 or 551 | 31 | 3.00: only 13 makes 产出 weigh 40."""
    assert len(cut_line("村卫生室建设数量≥50家551313.00无", MOF)) > 1
    lines = [
        "一级指标二级指标三级指标年度指标值全年实际值权重得分偏差原因",
        "产出指标(40分)数量指标农技推广覆盖数量≥300所305所1414.00/",
        "村卫生室建设数量≥50家551313.00无",
        "成本指标农技推广项目总成本≤300万元296.6万元1313.00无",
    ]
    cells = [t.text for t in unglue([_line(text, k) for k, text in enumerate(lines, 1)])]
    at = cells.index("村卫生室建设数量")
    assert cells[at : at + 6] == ["村卫生室建设数量", "≥50家", "55", "13", "13.00", "无"]


def test_two_phrases_without_a_provable_border_are_not_cut() -> None:
    """`有效提升效果明显` may be 有效 | 提升效果明显 or 有效提升 | 效果明显: no cut."""
    assert (
        cut_line("村卫生室带动作用有效提升效果明显", ("level3", "target", "actual", "reason")) == []
    )


def test_text_with_separators_is_left_alone() -> None:
    toks = [_line(t, 1) for t in ("一级指标", "二级指标", "三级指标", "指标值", "实际值")]
    assert unglue(toks) == toks


BLOB = (
    "示例设备购置项目绩效目标自评表(2023年度)项目名称示例设备购置主管部门示例县教育局"
    "资金情况(万元)年度资金总额100绩效指标一级指标二级指标三级指标分值年度指标值全年实际值"
    "得分未完成原因及改进措施产出指标(20分)数量指标指标1设备采购数量10≥20台22台10指标2培训人次10\n"
    "≥300人次310人次10效益指标(10分)社会效益指标指标1服务覆盖率10≥90%95%10合计\n"
)


def test_a_table_run_into_one_text_is_cut_into_rows(central: Profile, tmp_path: Path) -> None:
    """OCR text from a mirror site: no line per row, line breaks where the OCR put them."""
    path = tmp_path / "blob.txt"
    path.write_text(BLOB, encoding="utf-8")
    result = process_file(path, central)
    assert [
        (r.level1, r.level2, r.level3, r.target_raw, r.actual_raw, r.weight, r.score_stated)
        for r in result.indicators
    ] == [
        ("产出指标", "数量指标", "指标1设备采购数量", "≥20台", "22台", 10.0, 10.0),
        ("产出指标", "数量指标", "指标2培训人次", "≥300人次", "310人次", 10.0, 10.0),
        ("效益指标", "社会效益指标", "指标1服务覆盖率", "≥90%", "95%", 10.0, 10.0),
    ]
    assert result.tables[0].title == "示例设备购置项目绩效目标自评表(2023年度)"


SPLIT = [
    "项目资金（万元）年初预算数全年预算数全年执行数分值执行率得分",
    "年度资金总额86.4086.4088.9910103.00%10",
    "绩效指标一级指标二级指标三级指标年度指标值权重(%)全年完成值得分",
    "指标性质指标值度量单位",
    "产出指标数量指标村卫生室覆盖数量≥50家755家7.00",
    "产出指标数量指标文化活动完成数≥850公里1485514.00",
    "产出指标质量指标受益群众覆盖率>=85%7857.00",
    "效益指标社会效益指标河道保洁改善程度定性有效5好5.00",
    "效益指标可持续影响指标村卫生室带动作用定性优良中低差12好12.00",
    "效益指标服务对象满意度指标受益群众满意度≧85%4587%43.96",
    "合计10098.96",
]


def _cells_after(cells: list[str], name: str, n: int) -> list[str]:
    at = cells.index(name)
    return cells[at : at + n]


def test_the_table_total_proves_weights_and_scores() -> None:
    """No level label prints a weight: `755家7.00` is 7 | 55家 or 75 | 5家 (a score under a
    weight column has its weight: `755家` | `7.00` with no weight is no reading).
    The 合计 row's weights and score together (100 and 98.96, less the budget block's 10 and
    10) leave one choice for every line."""
    split = ("level3", "target_op", "target_value", "target_unit", "weight", "actual", "score")
    assert len(cut_line("村卫生室覆盖数量≥50家755家7.00", split)) == 2
    cells = [t.text for t in unglue([_line(text, k) for k, text in enumerate(SPLIT, 1)])]
    assert not any(t.unread for t in unglue([_line(text, k) for k, text in enumerate(SPLIT)]))
    names = ("村卫生室覆盖数量", "文化活动完成数")
    assert [_cells_after(cells, name, 7)[1:] for name in names] == [
        ["≥", "50", "家", "7", "55家", "7.00"],
        ["≥", "850", "公里", "14", "855", "14.00"],
    ]
    assert _cells_after(cells, "受益群众覆盖率", 7)[1:] == [">=", "85", "%", "7", "85", "7.00"]
    # 定性 | 有效: a 指标性质 word ends its cell; 优良中低差 is the scale a 定性 target prints
    names = ("河道保洁改善程度", "村卫生室带动作用")
    assert [_cells_after(cells, name, 6)[1:] for name in names] == [
        ["定性", "有效", "5", "好", "5.00"],
        ["定性", "优良中低差", "12", "好", "12.00"],
    ]


@pytest.mark.parametrize("total", [None, "合计10097.96", "合计10098.96无"])
def test_without_a_total_that_holds_the_same_lines_stay_unread(total: str | None) -> None:
    """No total row, a total whose score the rows cannot make (a misprint), or one that is
    no total row: no proof, the lines with several cuts are reported."""
    lines = [*SPLIT[:-1], total] if total else SPLIT[:-1]
    toks = unglue([_line(text, k) for k, text in enumerate(lines, 1)])
    unread = [t.text for t in toks if t.unread]
    assert "村卫生室覆盖数量≥50家755家7.00" in unread


def test_a_level_weight_bounds_every_line_of_its_level() -> None:
    """`指标2免费发放原原种8550万粒550万粒8` under `产出指标(40分)` printed on an earlier
    line: weight 85 is over the level, whichever line printed its label."""
    roles = ("level3", "weight", "target", "actual", "score")
    line = "指标2免费发放原原种8550万粒550万粒8"
    assert {c.get("weight") for c in cut_line(line, roles)} == {"8", "85"}
    assert {c.get("weight") for c in cut_line(line, roles, Decimal(40))} == {"8"}


def test_a_date_ends_where_no_date_goes_on() -> None:
    """`9月前按时完成`: 9月前 | 按时完成 (9月 | 前按时完成 leaves no answer after it)."""
    roles = ("level3", "target", "actual", "coefficient", "weight", "score", "core")
    (cut,) = cut_line("产出指标时效指标农村饮水资金拨付及时性9月前按时完成1.001212是", roles)
    assert cut.cells == (
        ("level3", "农村饮水资金拨付及时性"), ("target", "9月前"), ("actual", "按时完成"),
        ("coefficient", "1.00"), ("weight", "12"), ("score", "12"), ("core", "是"),
    )  # fmt: skip


def test_the_boxes_of_one_answer_are_one_cell() -> None:
    """湖北 prints the actual as ticked boxes: `☑达到 □未达到`, with its space."""
    roles = ("level3", "target", "actual", "score", "reason")
    cuts = cut_line("效益指标(20分)经济效益指标农技推广改善程度达到预期☑是 □否20", roles)
    (cut,) = choose(cuts, roles)  # a blank target costs: the name is not 农技推广改善程度达到预期
    assert cut.cells == (
        ("level3", "农技推广改善程度"), ("target", "达到预期"), ("actual", "☑是 □否"),
        ("score", "20"),
    )  # fmt: skip


def test_a_total_run_into_its_number_is_cut_in_spaced_text() -> None:
    """OCR text keeps most spaces but runs `合计 100` together: the total is no cell of the
    row above it."""
    toks = [_line(t, 1) for t in ("学生资助满意度", "≥", "85", "%", "10")] + [_line("合计IO0", 2)]
    assert [t.text for t in unglue(toks)] == ["学生资助满意度", "≥", "85", "%", "10", "合计", "100"]


def test_a_line_that_ran_together_under_a_spaced_header_is_cut() -> None:
    """OCR text loses the spaces of some lines only: a line under a header printed with its
    spaces is cut where one cut of least cost reads it; a line of one cell stays whole."""
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "全年实际值", "权重", "得分"]
    lines = [
        [_line(t, 1) for t in header],
        [_line("产出指标数量指标村卫生室完成数≥50家52家1212.00", 2)],
        [_line("下年度加强调度", 3)],
    ]
    toks = unglue([t for line in lines for t in line])
    assert [t.text for t in toks[len(header) :]] == [
        "产出指标", "数量指标", "村卫生室完成数", "≥50家", "52家", "12", "12.00", "下年度加强调度",
    ]  # fmt: skip


def test_a_name_ending_in_a_comparator_look_alike_is_not_cut_from_its_target() -> None:
    """`…服务人次工3次8`: OCR reads ≥ as 工, and a name may end in 工 (农民工). Before a
    number printed with no comparator, nothing shows which: the line stays whole (reported).
    With a comparator of its own the target proves the border."""
    header = ["一级指标", "二级指标", "三级指标", "年度目标值", "实际值"]

    def read(row: str) -> list[str]:
        lines = [_line(t, 1) for t in header] + [_line(row, 2)]
        return [t.text for t in unglue(lines)[len(header) :]]

    assert read("产出指标数量指标中小学校舍服务人次工3次8") == [
        "产出指标数量指标中小学校舍服务人次工3次8"
    ]
    assert read("产出指标数量指标培训农民工≥300人次312人次") == [
        "产出指标", "数量指标", "培训农民工", "≥300人次", "312人次",
    ]  # fmt: skip
