"""Row kinds read the same from a grid and from text: group members, 其中 parts, page breaks,
and levels that are not carried over cells that could not be read."""

from __future__ import annotations

from parsers import txt
from pipeline.extract.locate import locate
from pipeline.extract.located import LocatedTable

HUBEI = """项目支出绩效自评表
一级指标  二级指标  三级指标  年初目标值(A)  实际完成值(B)  得分  偏差原因
产出指标(40分)  时效指标  养老服务完成时间  及时  按时完成  24
产出指标(40分)  时效指标  补贴资金拨付及时性  9月前  按时完成  /
产出指标(40分)  成本指标  项目总成本  ≤2.8万元  2.67万元  16  /
满意度指标(20分)  服务对象满意度指标  老人满意度  =98%  98%  20  /
满意度指标(20分)  服务对象满意度指标  家属满意度  ≧95%  97%
总分  100
"""


def _read(text: str) -> tuple[str, list[LocatedTable]]:
    reading = locate(txt.read(text.encode(), "t.txt", "t"))
    return reading.reader, reading.tables


def test_one_score_per_group_in_text() -> None:
    reader, (table,) = _read(HUBEI)
    assert reader == "stream"
    assert [(r.level3.text if r.level3 else "", r.kind, r.parent) for r in table.indicators] == [
        ("养老服务完成时间", "indicator", None),
        ("补贴资金拨付及时性", "group_member", 0),
        ("项目总成本", "indicator", None),
        ("老人满意度", "indicator", None),
        ("家属满意度", "group_member", 3),
    ]
    assert not table.unparsed


def test_no_weight_pipe_rows_are_read_from_text() -> None:
    pipes = "\n".join(
        "| " + " | ".join(line.split()) + " |" if i else line
        for i, line in enumerate(HUBEI.splitlines())
    )
    reader, (table,) = _read(pipes + "\n")
    assert reader == "stream"
    assert len(table.indicators) == 5


def test_parts_in_text_belong_to_their_row() -> None:
    text = """项目支出绩效自评表
一级指标 二级指标 三级指标 分值 年度指标值 全年实际值 得分 偏差原因
产出指标（50分） 数量指标 图书服务人次 13 =4600人 4600人 13 无
其中：城区服务人次 =2760人 2760人
其中：乡镇服务人次 =1840人 1840人
质量指标 图书达标率 37 ≥98% 100% 37 无
总分 50 50
"""
    _, (table,) = _read(text)
    assert [(r.kind, r.parent) for r in table.indicators] == [
        ("indicator", None),
        ("part", 0),
        ("part", 0),
        ("indicator", None),
    ]


def test_a_page_break_does_not_end_a_pipe_table() -> None:
    text = """部门整体支出绩效自评表 |
| 一级指标 | 二级指标 | 三级指标 | 指标值 | 全年实际值 | 得分系数 | 指标权重 | 指标得分 |
| 产出指标 | 数量指标 | 服务人次 | 300人以上 | 300 | 1.00 | 60 | 60 |

6
续表
| 质量指标 | 设备完好率 | ≧95% | 97 | 1.00 | 40 | 40 |
"""
    _, (table,) = _read(text)
    assert [r.level3.text for r in table.indicators if r.level3] == ["服务人次", "设备完好率"]


def test_levels_are_not_carried_over_a_line_that_ran_together() -> None:
    text = """项目支出绩效自评表
一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因
产出指标 数量指标 道路养护里程 ≥40公里 42公里 50 50 无
效益指标社会效益指标群众出行改善有效提升效果明显3030
道路通行满意度 ≥90% 95% 20 20 无
总分 100 100
"""
    _, (table,) = _read(text)
    last = table.indicators[-1]
    assert last.level3 is not None and last.level3.text == "道路通行满意度"
    assert (last.level1, last.level2) == (None, None)
    assert table.unparsed


def test_a_score_column_left_blank_gives_lone_numbers_to_the_actual() -> None:
    text = """项目支出绩效自评表
一级指标 二级指标 三级指标 指标性质 指标值 度量单位 完成值 得分
产出指标 质量指标 验收合格率 >= 90 % 92%
成本指标 项目总成本 ≤ 15 万元 14.07
效益指标 服务对象满意度指标 群众满意度 ≧ 90 % 91%
"""
    reader, (table,) = _read(text)
    assert reader == "stream"
    assert [(r.actual.text if r.actual else None, r.score) for r in table.indicators] == [
        ("92%", None),
        ("14.07", None),
        ("91%", None),
    ]


def test_a_page_number_inside_the_total_row_is_not_the_total() -> None:
    text = """项目支出绩效自评表
一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分
产出指标 数量指标 道路养护里程 ≥40公里 42公里 40 40
质量指标 道路完好率 ≥95% 96% 20 20
效益指标 社会效益指标 群众出行改善 有效提升 效果明显 40 38
合计

2
续表
100 98
"""
    _, (table,) = _read(text)
    assert (table.total_weight, table.total_score) == ("100", "98")
