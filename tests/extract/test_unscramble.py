"""Rows a PDF printed numbers first: put back in order where one order fits best."""

from __future__ import annotations

from pathlib import Path

from pipeline.batch.document import process_file
from schemas.profile import Profile

SCRAMBLED = """项目支出绩效自评表
（2023年度）
项目名称 示例河道整治
一级指标 二级指标 三级指标 年度指标值 全年实际值 分值 得分 偏差原因
20 20 产出指标(50分) 数量指标 整治河道长度 ≥12公里 12.5公里 无
≥95% 96% 15 15 质量指标 验收合格率 无
≤80万元 78.6万元 15 15 成本指标 整治单位成本 无
30 30 效益指标(30分) 生态效益指标 河道水质改善 明显改善 达到预期 无
12 9 满意度指标(20分) 服务对象满意度指标 群众满意度 ≥90% 86%
8 8 社会公众满意度
100 97 合计
"""


def test_numbers_printed_first_are_put_back(central: Profile, tmp_path: Path) -> None:
    path = tmp_path / "scrambled.txt"
    path.write_text(SCRAMBLED, encoding="utf-8")
    result = process_file(path, central)
    assert [
        (r.level1, r.level2, r.level3, r.target_raw, r.actual_raw, r.weight, r.score_stated)
        for r in result.indicators
    ] == [
        ("产出指标", "数量指标", "整治河道长度", "≥12公里", "12.5公里", 20.0, 20.0),
        ("产出指标", "质量指标", "验收合格率", "≥95%", "96%", 15.0, 15.0),
        ("产出指标", "成本指标", "整治单位成本", "≤80万元", "78.6万元", 15.0, 15.0),
        ("效益指标", "生态效益指标", "河道水质改善", "明显改善", "达到预期", 30.0, 30.0),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "86%", 12.0, 9.0),
    ]
    (table,) = result.tables
    assert table.total_stated == 97.0  # `100 97 合计`: the 总分 row put back too
    # `8 8 社会公众满意度`: a name with two numbers and no target or actual fits no order
    assert [f.code for f in result.findings if f.code == "ROW_UNPARSED"] == ["ROW_UNPARSED"]


TARGETS_ONLY = """区域绩效目标自评表
一级指标 二级指标 三级指标 年度指标值 全年实际值 偏差原因分析及改进措施
113 产出指标 数量指标 培训完成场次 120场以上 受天气影响进度滞后
4605 道路养护里程 ≥4600公里 无
96% 满意度指标 服务对象满意度指标 群众满意度 不低于95%
"""


def test_a_bound_goes_to_the_target(central: Profile, tmp_path: Path) -> None:
    """`113 … 120场以上`: the number and the bound fit target and actual either way round;
    the bound is the target's (a target bounds, an actual says what was reached)."""
    path = tmp_path / "targets.txt"
    path.write_text(TARGETS_ONLY, encoding="utf-8")
    result = process_file(path, central)
    assert [(r.level3, r.target_raw, r.actual_raw) for r in result.indicators] == [
        ("培训完成场次", "120场以上", "113"),
        ("道路养护里程", "≥4600公里", "4605"),
        ("群众满意度", "不低于95%", "96%"),
    ]
    assert not [f for f in result.findings if f.code.endswith("_UNPARSED")]


SPLIT_UNFILLED = """项目支出绩效自评表
一级指标 二级指标 三级指标 年度指标值 权重(%) 实际完成值 得分
指标性质 指标值 度量单位
98 40 产出指标 时效指标 资金拨付及时率 ≥ %
300 30 成本指标 人均补助标准 <= 万元
30 效益指标 社会效益指标 群众获得感 定性 有效
合计 100
"""


def test_a_split_target_keeps_its_value_between_operator_and_unit(
    central: Profile, tmp_path: Path
) -> None:
    """`98 40 … ≥ %`: 98 could go between `≥` and `%`, or after them as the weight with the
    value left blank; a printed operator and unit around no value is the order not taken.
    The 40 is then the weight, not the actual, as the weights adding up to 100 prove."""
    path = tmp_path / "split.txt"
    path.write_text(SPLIT_UNFILLED, encoding="utf-8")
    result = process_file(path, central)
    assert [(r.level3, r.target_raw, r.actual_raw, r.weight) for r in result.indicators] == [
        ("资金拨付及时率", "≥ 98 %", None, 40.0),
        ("人均补助标准", "<= 300 万元", None, 30.0),
        ("群众获得感", "定性 有效", None, 30.0),
    ]
