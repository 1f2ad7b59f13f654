"""Cells aligned to column roles by type: exact alignments, and ambiguity kept visible."""

from __future__ import annotations

from pipeline.extract.align import align, kind_of
from pipeline.extract.located import Text
from pipeline.extract.stream_cut import Reader
from pipeline.extract.stream_header import column_roles, form_family

MOF = ("level3", "target", "actual", "weight", "score", "reason")


def _align(cells: str, roles: tuple[str, ...]) -> list[dict[str, str]]:
    words = cells.split()
    found = align([kind_of(w) for w in words], roles)
    return [{role: words[i] for role, i in a.cells} for a in found]


def test_cell_kinds() -> None:
    cells = ("≥95%", "96%", "10", "9.5分", "≧", "定性", "人次", "是", "有效", "养护道路里程")
    assert [kind_of(c) for c in cells] == [
        "value",
        "percent",
        "number",
        "number",
        "operator",
        "nature",
        "unit",
        "yesno",
        "answer",  # a target or actual phrase: never a name
        "text",
    ]
    assert kind_of("指标1:亮灯率") == "mixed"
    assert kind_of("2023年12月31日前") == "value"


def test_a_full_row_aligns_one_way() -> None:
    assert _align("养护道路里程 ≥40公里 42 10 10", MOF) == [
        {
            "level3": "养护道路里程",
            "target": "≥40公里",
            "actual": "42",
            "weight": "10",
            "score": "10",
        }
    ]


def test_weight_before_target() -> None:
    roles = ("level3", "weight", "target", "actual", "score", "reason")
    assert _align("社区养老服务人次 11 不低于4600人次 4142 9.9", roles) == [
        {
            "level3": "社区养老服务人次",
            "weight": "11",
            "target": "不低于4600人次",
            "actual": "4142",
            "score": "9.9",
        }
    ]


def test_a_lost_number_leaves_the_row_ambiguous() -> None:
    """`≥95% 10 10`: the target or the actual lost? The row is not emitted as if sure."""
    found = _align("养护路段合格率 ≥95% 10 10", MOF)
    assert [sorted(a) for a in found] == [
        ["level3", "score", "target", "weight"],
        ["actual", "level3", "score", "weight"],
    ]


def test_split_target_with_blank_unit() -> None:
    roles = column_roles(["三级指标", "指标性质", "指标值", "度量单位", "权重", "完成值", "得分"])
    assert roles == (
        "level3",
        "target_op",
        "target_value",
        "target_unit",
        "weight",
        "actual",
        "score",
    )
    assert _align("使用人员满意度 定性 优良中低差 10 良 9", roles) == [
        {
            "level3": "使用人员满意度",
            "target_op": "定性",
            "target_value": "优良中低差",
            "weight": "10",
            "actual": "良",
            "score": "9",
        }
    ]


def test_two_line_headers_put_sub_headers_in_their_parents_place() -> None:
    hebei = (
        "一级指标 二级指标 三级指标 指标说明 指标分值 预期指标值 实际完成值 完成情况 自评得分 "
        "符号 值 单位 单项指标得分 权重占比(%) 单项指标折算得分"
    )
    roles = column_roles(hebei.split())
    assert roles == (
        "level3",
        "description",
        "full_mark",
        "target_op",
        "target_value",
        "target_unit",
        "actual",
        "completion",
        "score_item",
        "weight",
        "score",
    )
    assert form_family(roles) == "weighted_conversion"
    sichuan = (
        "绩效指标 年度指标值 实际完成值 分值 得分 "  # 绩效指标 spans the three levels below it
        "一级指标 二级指标 三级指标 指标性质 指标值 度量单位"
    )
    assert column_roles(sichuan.split()) == (
        "level3",
        "target_op",
        "target_value",
        "target_unit",
        "actual",
        "weight",
        "score",
    )
    weight_first = column_roles(
        ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分"]
    )
    assert form_family(weight_first) == "weight_first"


def test_the_cut_prefers_full_rows_and_never_starts_a_row_after_an_unread_cell() -> None:
    line = "产出指标 数量指标 职业技能改善程度 健全 达到预期 农村饮水环境改善 持续发挥 已完成"
    cells = [Text(w, None, 1) for w in line.split()]
    pieces = Reader(cells, ("level3", "target", "actual", "reason")).pieces()
    rows = [[c.text for c in cells[p.start : p.end]] for p in pieces if p.kind == "row"]
    assert rows == [
        ["职业技能改善程度", "健全", "达到预期"],
        ["农村饮水环境改善", "持续发挥", "已完成"],
    ]
