"""Exact rows from invented 自评表 in the layouts real reports are published in.

Each fixture under tests/fixtures/layouts/ reproduces one layout of shared/realworld with
invented names and numbers; the planted errors are the only findings expected.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import parsers
from pipeline.batch.document import process_file
from pipeline.cli import main
from pipeline.extract.locate import locate, locate_grid
from schemas.profile import Profile
from tests.conftest import RAW
from tests.e2e.layouts import LAYOUTS, read, read_all, rows_of


def test_flat_space_one_line(central: Profile) -> None:
    """Whole table on one line, single spaces; weights in level-1 labels; bare actuals."""
    result = read("flat_space.txt", central)
    assert rows_of(result) == [
        ("产出指标", 50.0, "数量指标", "养护道路里程", "≥40公里", "42", 10.0, 10.0),
        ("产出指标", 50.0, "质量指标", "养护路段合格率", "≥95%", "96", 10.0, 10.0),
        (
            "产出指标",
            50.0,
            "时效指标",
            "养护任务完成及时性",
            "按季度完成",
            "达成预期指标",
            10.0,
            10.0,
        ),
        ("产出指标", 50.0, "成本指标", "每公里养护成本", "≤2.8万元", "2.62", 10.0, 9.36),
        ("产出指标", 50.0, "成本指标", "路面修补单价", "符合定额标准", "达成预期指标", 10.0, 10.0),
        (
            "效益指标",
            30.0,
            "社会效益指标",
            "群众出行条件改善程度",
            "明显改善",
            "达成预期指标",
            15.0,
            15.0,
        ),
        (
            "效益指标",
            30.0,
            "可持续影响指标",
            "道路使用年限延长",
            "有效延长",
            "基本达到",
            15.0,
            12.0,
        ),
        ("满意度指标", 10.0, "满意度指标", "沿线群众满意度", "≥90%", "93", 10.0, 10.0),
    ]
    table = result.tables[0]
    assert (table.project_name, table.department, table.implementer) == (
        "农村道路养护项目",
        "301-某县交通运输局",
        "301002-某镇人民政府",
    )
    assert (table.budget_unit, table.budget_full_year, table.budget_executed) == (
        "万元",
        118.5,
        110.2,
    )
    assert (table.exec_weight, table.exec_score_stated, table.total_stated) == (10.0, 9.3, 95.66)
    assert result.indicators[3].reason == "按实际计价"
    # a unitless actual is read in the target's unit, and says so in its confidence
    assert result.indicators[0].parse_confidence == 0.9
    assert Counter(f.code for f in result.findings) == {
        "REVERSE_SCORED_AS_POSITIVE": 1,
        "TOTAL_MISMATCH": 1,
    }
    assert table.total_recomputed == 96.3


def test_pipe_rows_with_split_target(central: Profile) -> None:
    """`a | b |` rows broken mid-table; 指标性质 | 指标值 | 度量单位 in three cells; ≧ ═ ≦."""
    result = read("pipe_rows.txt", central)
    assert rows_of(result) == [
        ("产出指标", None, "数量指标", "受助学生人数", "≧ 820 人", "815", 10.0, 10.0),
        ("产出指标", None, "质量指标", "食品安全抽检合格率", "═ 100 %", "100%", 10.0, 10.0),
        ("产出指标", None, "时效指标", "补助资金发放及时率", "≧ 95 %", "90%", 10.0, 9.47),
        ("产出指标", None, "成本指标", "每生每天补助标准", "≦ 5 元", "5元", 10.0, 10.0),
        ("效益指标", None, "社会效益 指标", "学生营养状况改善", "有效", "有效", 30.0, 30.0),
        ("满意度指标", None, "服务对象满意度指标等", "家长满意度", "≧ 90 %", "96%", 10.0, 10.0),
        ("满意度指标", None, "服务对象满意度指标等", "学生满意度", "≧ 90 %", "88%", 10.0, 9.0),
    ]
    table = result.tables[0]
    # the budget row lost a cell: the % cell anchors the rest (年初预算数 unknown, not guessed)
    assert (table.budget_initial, table.budget_full_year, table.budget_executed) == (
        None,
        512300.0,
        498750.5,
    )
    assert (table.budget_unit, table.exec_rate_stated, table.exec_score_stated) == (
        "元",
        0.9736,
        9.74,
    )
    assert (table.total_stated, table.grade_stated, table.total_recomputed) == (98.21, "优", 98.93)
    scores = {
        (f.code, f.stated, f.recomputed) for f in result.findings if f.code == "SCORE_MISMATCH"
    }
    assert scores == {("SCORE_MISMATCH", "10.00", "9.94"), ("SCORE_MISMATCH", "9.00", "9.78")}
    assert Counter(f.code for f in result.findings) == {"SCORE_MISMATCH": 2, "TOTAL_MISMATCH": 1}


def test_cell_per_line_pipe_with_empty_template_rows(central: Profile) -> None:
    """One cell per line ending in `|`; empty placeholder rows; empty 主管部门/实施单位."""
    result = read("pipe_cells.txt", central)
    assert rows_of(result) == [
        ("产出指标", None, "数量指标", "窗口服务事项办理量", "≥12000件", "13560件", 20.0, 20.0),
        ("产出指标", None, "质量指标", "办件差错率", "≤1%", "1.6%", 20.0, 12.5),
        ("产出指标", None, "成本指标", "运行维护费", "≤80万元", "76万元", 10.0, 10.0),
        ("效益指标", None, "社会效益 指标", "群众办事便利度", "明显提升", "部分达成", 20.0, 16.0),
        ("满意度指标", None, "服务对象满意度指标", "办事群众满意度", "≥95%", "98%", 20.0, 20.0),
    ]
    table = result.tables[0]
    assert (table.department, table.implementer, table.year) == (None, None, 2022)
    assert (table.budget_full_year, table.budget_executed, table.budget_unit) == (
        80.0,
        76.0,
        "万元",
    )
    assert str(table.budget_executed_yuan) == "760000.0000"
    assert result.indicators[1].reason == "差错集中在四季度"
    assert result.findings == []  # arithmetic and rules agree everywhere


def test_grid_with_other_header_words(central: Profile) -> None:
    """指标名称 / 目标值 / 实际值 / 权重 / 自评得分 / 未完成原因; 调整后预算数; 合计; 元."""
    result = read("grid_synonyms.txt", central)
    assert rows_of(result) == [
        ("产出指标", 40.0, "数量指标", "服务老人人次", "不少于3000人次", "3120人次", 20.0, 20.0),
        ("产出指标", 40.0, "时效指标", "补贴发放及时率", "100%", "92%", 20.0, 20.0),
        ("效益指标", 30.0, "社会效益指标", "老人生活质量", "逐步提高", "基本达到", 30.0, 24.0),
        ("满意度指标", 10.0, "满意度指标", "老人满意度", "≥90%", "91%", 10.0, 10.0),
    ]
    timely = result.indicators[1]
    # no comparator printed: a rate that is not a cost is read as >=, and flagged as inferred
    assert (timely.target_op, timely.target_op_inferred, timely.parse_confidence) == (
        ">=",
        True,
        0.8,
    )
    assert timely.reason == "第四季度延迟发放"
    table = result.tables[0]
    assert (table.budget_initial, table.budget_full_year, table.budget_executed) == (
        250000.0,
        240000.0,
        228000.0,
    )
    assert (table.exec_weight, table.exec_score_recomputed, table.total_stated) == (
        20.0,
        19.0,
        93.0,
    )
    assert Counter(f.code for f in result.findings) == {"SCORE_MISMATCH": 1, "TOTAL_MISMATCH": 1}


@pytest.mark.parametrize("name", ["flat_space.txt", "pipe_rows.txt", "pipe_cells.txt"])
def test_flattened_layouts_leave_no_unread_cells(name: str, central: Profile) -> None:
    result = read(name, central)
    assert not [f for f in result.findings if f.code in {"ROW_UNPARSED", "TABLE_UNPARSED"}]


def test_unalignable_cells_are_reported_not_guessed(tmp_path: Path, central: Profile) -> None:
    text = (LAYOUTS / "flat_space.txt").read_text(encoding="utf-8")
    # drop the actual of one row: its cells no longer form a row
    broken = tmp_path / "broken.txt"
    broken.write_text(
        text.replace("养护路段合格率 ≥95% 96 10 10", "养护路段合格率 ≥95% 10 10"), "utf-8"
    )
    result = process_file(broken, central)
    names = [r.level3 for r in result.indicators]
    assert "养护路段合格率" not in names and len(names) == 7
    unread = [f for f in result.findings if f.code == "ROW_UNPARSED"]
    assert [f.stated for f in unread] == ["养护路段合格率 | ≥95% | 10 | 10"]


def test_unfilled_form_with_split_target(central: Profile) -> None:
    """四川 template left unfilled: 指标性质 | 指标值 | 度量单位, 完成值 and 得分 blank."""
    result = read("sichuan_unfilled.txt", central)
    assert rows_of(result) == [
        ("产出指标", None, "数量指标", "购置计算机台数", "≥ 20 台", None, 40.0, None),
        ("产出指标", None, "质量指标", "设备验收合格率", "= 100 %", None, 20.0, None),
        ("成本指标", None, "经济成本指标", "单台采购成本", "≤ 0.6 万元/台", None, 20.0, None),
        (
            "满意度指标",
            None,
            "服务对象满意度指标",
            "使用人员满意度",
            "定性 优良中低差",
            None,
            10.0,
            None,
        ),
    ]
    table = result.tables[0]
    assert (table.budget_initial, table.budget_full_year, table.budget_executed) == (
        12.5,
        12.5,
        11.8,
    )
    assert (table.exec_weight, table.exec_rate_stated, table.exec_score_stated) == (
        10.0,
        0.944,
        None,
    )
    assert table.budget_parts_full_year == 12.5
    assert table.total_stated is None  # 合计 100 is the weight total: no score was printed
    assert table.weight_sum == 100.0
    assert all(r.score_recomputed is None for r in result.indicators)  # nothing to re-score
    codes = Counter(f.code for f in result.findings)
    assert codes["MISSING_SCORE"] >= 1
    assert not {"SCORE_MISMATCH", "TOTAL_MISMATCH", "ROW_UNPARSED"} & codes.keys()


def test_short_budget_rows_align_like_their_total(central: Profile) -> None:
    """A 其中 row that lost the same merged cell as the 年度资金总额 row above it."""
    table = read("pipe_rows.txt", central).tables[0]
    assert (table.budget_parts_full_year, table.budget_parts_executed) == (512300.0, 498750.5)


def test_budget_weight_in_header_and_blank_total_score(central: Profile) -> None:
    """`得分（20分*执行率）` carries the budget weight; a 总分 row whose 得分 is blank."""
    result = read("grid_budget_weight_in_header.txt", central)
    table = result.tables[0]
    assert (table.exec_weight, table.exec_rate_stated, table.exec_score_stated) == (20.0, 0.9, 18.0)
    assert table.exec_score_recomputed == 18.0
    assert table.total_stated is None  # the lone 100 is the weight total, not a score
    assert table.weight_sum == 100.0
    assert result.indicators[2].score_stated is None
    codes = Counter(f.code for f in result.findings)
    assert codes["MISSING_SCORE"] == 1
    assert not {"TOTAL_ARITHMETIC", "TOTAL_MISMATCH", "EXEC_SCORE_MISMATCH"} & codes.keys()


def test_grid_reader_reports_ragged_rows_instead_of_reading_them() -> None:
    """Pipe rows lose merged cells: read by position they would put targets in the name
    column. The grid reader keeps them as unread cells; the stream reader reads them."""
    text = (LAYOUTS / "pipe_rows.txt").read_text(encoding="utf-8")
    alone = text.replace("| 部门:某市某中学 |", "|")  # the title in a row of its own
    doc = parsers.parse_bytes(alone.encode(), "pipe_rows_title_alone.txt")
    grid = locate_grid(doc)
    assert len(grid) == 1
    assert all(r.level3 is not None for t in grid for r in t.indicators)
    assert any(t.unparsed for t in grid)
    assert [len(t.indicators) for t in locate(doc).tables] == [7]


def test_inspect_shows_rows_with_their_lines() -> None:
    result = CliRunner().invoke(main, ["inspect", str(LAYOUTS / "pipe_cells.txt")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    decision = r"reader: stream \(stream: grid \d+ vs stream \d+ complete rows\); .*"
    assert re.fullmatch(decision, lines[1])
    assert any(
        line.startswith("    row   2 @l")
        and "产出指标 / 质量指标 / 办件差错率 | target ≤1% | actual 1.6% | weight 20 | score 12.5"
        in line
        for line in lines
    )
    assert "    department: ∅" not in result.output  # an empty field is absent, not guessed


def test_inspect_names_the_reader_that_won() -> None:
    """The decision comes from `locate`, not re-derived: a grid reading says grid."""
    result = CliRunner().invoke(main, ["inspect", str(RAW / "004_d94ddf866f172c18.txt")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("reader: grid (grid: ")


def test_cell_per_line_separated_by_blank_lines(central: Profile) -> None:
    """HTML saved as text: every cell on its own line, cells separated by blank lines."""
    result = read("cell_blank.txt", central)
    assert rows_of(result) == [
        ("产出指标", None, "数量指标", "养护绿地面积", "≥120万平方米", "121万平方米", 30.0, 30.0),
        ("产出指标", None, "质量指标", "苗木成活率", "≥95%", "93%", 20.0, 19.58),
        (
            "产出指标",
            None,
            "成本指标",
            "单位面积养护成本",
            "≤0.5元/平方米",
            "0.47元/平方米",
            10.0,
            10.0,
        ),
        ("效益指标", None, "社会效益指标", "市民休闲环境", "明显改善", "达到预期", 20.0, 20.0),
        ("满意度指标", None, "服务对象满意度指标", "游园群众满意度", "≥90%", "94%", 10.0, 10.0),
    ]
    assert result.indicators[1].reason == "部分苗木受冻害"
    table = result.tables[0]
    assert (table.total_stated, table.total_recomputed) == (99.08, 99.08)
    assert result.findings == []


def test_serial_column_markers_and_template_rows(central: Profile) -> None:
    """序号 column, ★ and 指标1: in names, (≥**%) placeholders, template rows left empty."""
    result = read("template_rows.txt", central)
    assert rows_of(result) == [
        ("产出指标", None, "数量指标", "★指标1:维护路灯数量", "≥800盏", "812盏", 40.0, 40.0),
        ("产出指标", None, "质量指标", "指标1:亮灯率", "≥98%", "99%", 20.0, 20.0),
        (
            "效益指标",
            None,
            "社会效益指标",
            "指标1:夜间出行安全",
            "有效保障",
            "基本达到",
            20.0,
            15.0,
        ),
        (
            "满意度指标",
            None,
            "服务对象满意度指标",
            "指标1:村民满意度(≥**%)",
            "≥90%",
            "96%",
            10.0,
            10.0,
        ),
    ]
    partial = result.indicators[2]
    assert (partial.score_rule, partial.score_min, partial.score_max) == (
        "qual_partial",
        12.0,
        16.0,
    )
    assert [r.indicator_concept for r in result.indicators] == [
        "count",
        "rate",
        "qualitative",
        "satisfaction",
    ]
    assert result.tables[0].total_recomputed == 95.0
    assert result.findings == []


@pytest.mark.parametrize(
    ("rate", "flagged"),
    [("94.7%", False), ("94.72%", False), ("94.8%", True), ("94.75%", True)],
)
def test_execution_rate_is_checked_to_its_printed_precision(
    tmp_path: Path, central: Profile, rate: str, flagged: bool
) -> None:
    """56.83 / 60 = 94.7167 %: `94.7%` and `94.72%` are that number rounded as printed."""
    text = (LAYOUTS / "cell_blank.txt").read_text(encoding="utf-8")
    text = text.replace("项目资金(万元)", "项目资金").replace(
        "得分\n\n年度资金总额", "得分\n\n(万元)\n\n年度资金总额"
    )  # the unit printed after the header, as some web pages do
    text = text.replace("57.00\n\n10\n\n95.00%\n\n9.50", f"56.83\n\n10\n\n{rate}\n\n9.47")
    edited = tmp_path / "rate.txt"
    edited.write_text(text, encoding="utf-8")
    result = process_file(edited, central)
    table = result.tables[0]
    assert (table.budget_unit, table.budget_executed, table.exec_score_recomputed) == (
        "万元",
        56.83,
        9.47,
    )
    codes = {f.code for f in result.findings}
    assert ("EXEC_RATE_MISMATCH" in codes) is flagged
    assert "EXEC_SCORE_MISMATCH" not in codes


def test_untitled_table_without_weights(central: Profile) -> None:
    """No 自评表 title (…如下表:), no 分值/得分 columns, labels repeated on every row: the rows
    are extracted, nothing is re-scored, and the table says why."""
    result = read("untitled_unscored.txt", central)
    assert rows_of(result) == [
        ("产出指标", None, "数量指标", "签约服务居民人数", "12000人", "12680人", None, None),
        ("产出指标", None, "质量指标", "慢病患者规范管理率", "≥80%", "83.5%", None, None),
        (
            "产出指标",
            None,
            "时效指标",
            "补助资金拨付时间",
            "2022年9月30日前",
            "9月20日",
            None,
            None,
        ),
        ("效益指标", None, "社会效益指标", "居民就医是否便利", "是", "是", None, None),
        ("效益指标", None, "服务对象满意度指标", "签约居民满意度", "≥90%", "92%", None, None),
    ]
    table = result.tables[0]
    assert table.title.endswith("具体完成情况如下表:")
    assert table.total_recomputed is None
    assert [f.code for f in result.findings] == ["WEIGHTS_ABSENT"]  # the prose after: no row


def test_rows_before_any_title_are_reported_not_lost(central: Profile) -> None:
    """A page that starts mid-table: rows with no title or header before them are kept as an
    unread table (TABLE_UNPARSED); the 决算 amounts table above them is not mistaken for one."""
    result = read_all("continued_from_previous_page.txt", central)
    assert [t.title for t in result.tables] == [
        "（无表名、无表头的指标行）",
        "项目支出绩效自评表(2023年度)",
    ]
    assert [t.n_indicators for t in result.tables] == [0, 1]
    (unread,) = [f for f in result.findings if f.code == "TABLE_UNPARSED"]
    assert unread.table_id == result.tables[0].table_id
    assert "路灯维护及时率 | = | 100 | % | 10" in (unread.stated or "")
    assert "一般公共预算财政拨款" not in (unread.stated or "")


def test_amount_tables_before_the_first_title_are_not_orphan_rows(
    tmp_path: Path, central: Profile
) -> None:
    text = (LAYOUTS / "continued_from_previous_page.txt").read_text(encoding="utf-8")
    cut = text.replace(text[text.index("续上页") : text.index("项目支出绩效自评表")], "")
    path = tmp_path / "amounts_only.txt"
    path.write_text(cut, encoding="utf-8")
    result = process_file(path, central)
    assert [t.n_indicators for t in result.tables] == [1]
    assert not [f for f in result.findings if f.code in {"TABLE_UNPARSED", "ROW_UNPARSED"}]
