"""Exact rows from invented 自评表 of other families, as text that lost its grid.

Each fixture under tests/fixtures/layouts/ is made up (names and numbers invented) in one
family of shared/TEMPLATES.md and one way its text reaches us: weight before the target with
spaced level labels, the 河北 two-line header in pipe rows, the 重庆 coefficient form one cell
per line, a mirror site's traditional characters and pinyin, and PDF text out of order.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipeline.batch.document import process_file
from schemas.profile import Profile, load_profile
from tests.e2e.layouts import LAYOUTS, UNREAD, located, read, rows_of


def test_weight_first_with_spaced_labels_and_placeholders(central: Profile) -> None:
    """分值 before 年度指标值; `产 出 指 标 (50分)`; ★ and `(≥**个)` inside a name."""
    result = read("weight_first_spaced.txt", central)
    assert rows_of(result) == [
        ("产出指标", 50.0, "数量指标", "★新建文化广场数量(≥**个)", "≥12个", "12个", 20.0, 20.0),
        ("产出指标", 50.0, "质量指标", "广场验收合格率", "100%", "96%", 15.0, 14.4),
        ("产出指标", 50.0, "时效指标", "项目建设周期", "≤6个月", "5.5个月", 15.0, 15.0),
        ("效益指标", 30.0, "社会效益指标", "群众文化活动场次", "≥200场", "236场", 30.0, 30.0),
        ("满意度指标", 20.0, "服务对象满意度指标", "周边群众满意度", "≥90%", "95%", 20.0, 20.0),
    ]
    assert result.indicators[1].reason == "两处地面返修"
    assert result.tables[0].total_stated == 99.4
    assert not UNREAD & {f.code for f in result.findings}


def test_hebei_two_line_header_in_pipe_rows(central: Profile) -> None:
    """预期指标值 over 符号 · 值 · 单位 and 自评得分 over 单项得分 · 权重占比 · 折算得分, the
    second header line printed after the first: the weight is 权重占比, the score 折算得分."""
    result = read("hebei_two_line_header.txt", central)
    assert rows_of(result) == [
        ("产出指标", None, "数量指标", "改造公厕座数", "≥ 40 座", "42座", 30.0, 30.0),
        ("产出指标", None, "质量指标", "工程验收合格率", "= 100 %", "100%", 20.0, 20.0),
        ("效益指标", None, "社会效益指标", "如厕环境改善", "定性 明显改善", "有所改善", 30.0, 24.0),
        ("满意度指标", None, "服务对象满意度指标", "市民满意度", "≥ 90 %", "93%", 20.0, 20.0),
    ]
    (table,) = located("hebei_two_line_header.txt")
    assert (table.form_family, table.read_by) == ("weighted_conversion", "text")
    first = table.indicators[0]
    extra = {role: text.text for role, text in first.extra.items()}
    assert extra == {
        "description": "反映改造任务量",
        "target_op": "≥",
        "target_value": "40",
        "target_unit": "座",
        "completion": "已完成",
        "score_item": "100",
        "weight_share": "30",
        "score_converted": "30",
    }
    assert result.tables[0].total_stated == 94.0


def test_coefficient_form_one_cell_per_line(central: Profile) -> None:
    """重庆 部门整体: 得分系数 · 指标权重 · 指标得分 · 是否核心指标, cells on blank-line-separated
    lines: the coefficient is kept apart, never read as the score."""
    result = read("coefficient_cells.txt", central)
    assert rows_of(result) == [
        ("产出指标", None, "数量指标", "公务用车保障次数", "≥1500次", "1620次", 25.0, 25.0),
        ("产出指标", None, "质量指标", "办公设备完好率", "≥95%", "97%", 25.0, 25.0),
        ("产出指标", None, "时效指标", "维修响应时间", "≤24小时", "20小时", 20.0, 20.0),
        ("效益指标", None, "社会效益指标", "节约型机关创建", "持续推进", "基本达到", 20.0, 17.0),
        ("满意度指标", None, "服务对象满意度指标", "干部职工满意度", "≥90%", "92%", 10.0, 10.0),
    ]
    (table,) = located("coefficient_cells.txt")
    assert table.form_family == "coefficient"
    assert [(r.extra["coefficient"].text, r.extra["core"].text) for r in table.indicators][3] == (
        "0.85",
        "是",
    )


def test_mirror_site_traditional_characters_and_pinyin(central: Profile) -> None:
    """績效自評表, 年度指標(biāo)值, 產出指標(biāo): matched as their simplified spelling, printed
    as they came."""
    result = read("mirror_traditional.txt", central)
    rows = rows_of(result)
    assert [r[3:] for r in rows] == [
        ("服務老人人數", "≥300人", "312人", 30.0, 30.0),
        ("護理服務達標率", "≥95%", "97%", 30.0, 30.0),
        ("老人生活質量", "明顯提高", "基本達到", 20.0, 16.0),
        ("老人滿意度", "≥90%", "94%", 20.0, 20.0),
    ]
    assert [r[2] for r in rows] == ["數量指標", "質量指標", "社會效益指標", "服務對象滿意度指標"]
    assert result.indicators[2].reason == "部分項目未開展"
    assert (result.tables[0].project_name, result.tables[0].total_stated) == (
        "社區養老服務補助",
        96.0,
    )


def test_text_out_of_order_is_put_back_in_order(central: Profile) -> None:
    """PDF text with each row's numbers before its labels: every row has one order of its
    cells that fits the header best, so each is read (`extract/unscramble.py`)."""
    result = read("scrambled_numbers_first.txt", central)
    assert [
        (r.level3, r.target_raw, r.actual_raw, r.weight, r.score_stated) for r in result.indicators
    ] == [
        ("门诊服务人次", "≥5000人次", "5210人次", 30.0, 30.0),
        ("处方合格率", "≥95%", "96%", 30.0, 30.0),
        ("居民健康水平", "逐步提高", "基本达到", 20.0, 16.0),
        ("患者满意度", "≥90%", "91%", 20.0, 20.0),
    ]
    assert not [f for f in result.findings if f.code in UNREAD]
    assert result.tables[0].total_stated == 96.0


def test_an_ambiguous_row_is_unread(tmp_path: Path, central: Profile) -> None:
    """河北 row that lost one of its three score numbers: which one is unknown, so the row is
    reported with its cells, and the other rows are still read."""
    text = (LAYOUTS / "hebei_two_line_header.txt").read_text(encoding="utf-8")
    edited = tmp_path / "lost_number.txt"
    edited.write_text(
        text.replace("| 100% | 已完成 | 100 | 20 | 20 |", "| 100% | 已完成 | 100 | 20 |"), "utf-8"
    )
    result = process_file(edited, central)
    assert [r.level3 for r in result.indicators] == ["改造公厕座数", "如厕环境改善", "市民满意度"]
    unread = [f.stated for f in result.findings if f.code == "ROW_UNPARSED"]
    assert unread == [
        "工程验收合格率 | 反映工程质量 | 100 | = | 100 | % | 100% | 已完成 | 100 | 20"
    ]
    assert Counter(f.code for f in result.findings)["SCORE_MISMATCH"] == 0


def test_mirror_site_split_target_with_a_measure_word_unit(central: Profile) -> None:
    """An unfilled 四川 form from a mirror site: `場` is the 度量单位 场, read on its folded
    spelling, so the row's one number is its weight (it was read as the actual `場` and a
    score before)."""
    result = read("mirror_split_units.txt", central)
    assert [r[3:] for r in rows_of(result)] == [
        ("送戲下鄉演出", ">= 24 場", None, 30.0, None),
        ("開展培訓講座", ">= 6 場", None, 20.0, None),
        ("演出驗收合格率(lǜ)", "＝ 100 %", None, 20.0, None),
        ("群眾文化生活", "定性 有效", None, 20.0, None),
        ("觀眾滿意度(dù)", ">= 90 %", None, 10.0, None),
    ]
    assert not [f for f in result.findings if f.code in UNREAD]


def test_a_row_that_takes_the_opening_cells_of_an_unread_line_is_reported(
    central: Profile,
) -> None:
    """OCR'd text, one row per line, 完成值 and 得分 left blank: `开展培训讲座 2 6 场 20` (a
    misread ≥) fits no row, and `参训人员满意度≧85%5` is a row glued. Neither may fill the
    blank actual and score of the row above: those rows are reported with them."""
    result = process_file(LAYOUTS / "ocr_glued_row_after_blank_cells.txt", central)
    assert [r.level3 for r in result.indicators] == []
    unread = " ".join(f.stated or "" for f in result.findings if f.code in UNREAD)
    assert "送戏下乡演出 | >= | 24 | 场 | 30 | 开展培训讲座 | 2 | 6 | 场 | 20" in unread
    assert "观众满意度 | >= 90 % | 参训人员满意度≧85%5" in unread


CUT_LEVEL_LABEL = """\
项目支出绩效自评表
一级指标   二级指标   三级指标   分值   年度指标值   全年实际值   得分
产出指标(60分)   数量指标   培训农民人数   60   ≥500人   520人   60
效益指标(30分)   社会效益指标   农民增收效果   30   明显改善   达到预期   30
满意度指   标(10分)   服务对象满意度指标   参训农民满意度   10   ≥90%   93%   10
总分   100   100
"""


def test_a_level_label_cut_over_two_cells_is_no_label_of_the_row_above(tmp_path: Path) -> None:
    """`满意度指 | 标(10分)`, a level-1 label cut in two, is read as nothing: the row under it
    does not stand under the level before it (效益指标), its level 1 is unknown."""
    path = tmp_path / "cut_label.txt"
    path.write_text(CUT_LEVEL_LABEL, encoding="utf-8")
    result = process_file(path, load_profile("central"))
    assert [(r.level1, r.level2, r.level3) for r in result.indicators] == [
        ("产出指标", "数量指标", "培训农民人数"),
        ("效益指标", "社会效益指标", "农民增收效果"),
        (None, "服务对象满意度指标", "参训农民满意度"),
    ]
