"""The role model: every family's header maps to one role per column, and rows that do not
type-check are not emitted."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pipeline.extract.grid_rows import is_indicator_header, read_header
from pipeline.extract.headers import flat_header_roles, header_roles, is_sub_header, role_of
from pipeline.extract.located import LocatedTable, RawIndicator, Text
from pipeline.extract.rowcheck import row_problem, vet

HEADERS = {
    "mof": (
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施",
        "level1 level2 level3 target actual weight score reason",
    ),
    "weight_first": (
        "一级指标 二级指标 三级指标 分值 年度指标值 全年实际值 得分 偏差原因",
        "level1 level2 level3 weight target actual score reason",
    ),
    "no_weight": (
        "一级指标 二级指标 三级指标 年初目标值(A) 实际完成值(B) 得分 偏差原因",
        "level1 level2 level3 target actual score reason",
    ),
    "split_target": (
        "一级指标 二级指标 三级指标 指标性质 指标值 度量单位 权重 完成值 得分",
        "level1 level2 level3 target_op target_value target_unit weight actual score",
    ),
    "coefficient": (
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 得分系数 指标权重 指标得分 是否核心指标",
        "level1 level2 level3 target actual coefficient weight score core",
    ),
    "targets_only": (
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 偏差原因",
        "level1 level2 level3 target actual reason",
    ),
    "rubric": (
        "序号 一级指标 二级指标 三级指标 指标解释 评分标准 自评分 县级评分 财政审核评分",
        "seq level1 level2 level3 description rule_text score score_review score_review",
    ),
}


@pytest.mark.parametrize("family", HEADERS)
def test_one_row_headers(family: str) -> None:
    cells, roles = HEADERS[family]
    read = header_roles(cells.split())
    assert (list(read.roles), read.family, read.depth) == (roles.split(), family, 1)


HEBEI_TOP = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标说明",
    "指标分值",
    "预期指标值",
    "预期指标值",
    "预期指标值",
    "实际完成值",
    "完成情况",
    "自评得分",
    "自评得分",
    "自评得分",
]
HEBEI_SUB = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标说明",
    "指标分值",
    "符号",
    "值",
    "单位",
    "实际完成值",
    "完成情况",
    "单项指标得分",
    "权重占比(%)",
    "单项指标折算得分",
]
HEBEI_ROLES = [
    "level1",
    "level2",
    "level3",
    "description",
    "weight",
    "target_op",
    "target_value",
    "target_unit",
    "actual",
    "completion",
    "score_item",
    "weight_share",
    "score_converted",
]


def test_two_row_header_with_sub_headers() -> None:
    assert is_sub_header(HEBEI_TOP, HEBEI_SUB)
    read = header_roles(HEBEI_TOP, HEBEI_SUB)
    assert (list(read.roles), read.family, read.depth) == (HEBEI_ROLES, "weighted_conversion", 2)


def test_flat_header_drops_the_parent_of_sub_headers() -> None:
    cells = [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标说明",
        "指标分值",
        "预期指标值",
        "符号",
        "值",
        "单位",
        "实际完成值",
        "完成情况",
        "自评得分",
        "单项指标得分",
        "权重占比(%)",
        "单项指标折算得分",
    ]
    assert list(flat_header_roles(cells).roles) == HEBEI_ROLES


def test_a_data_row_is_no_sub_header() -> None:
    top = ["一级指标", "二级指标", "三级指标", "年度指标值"]
    assert not is_sub_header(top, ["产出指标", "数量指标", "培训人数", "≥50人"])


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("基尼系数", None),
        ("任务完成情况", None),
        ("核心指标完成率", None),
        ("系数", "coefficient"),
        ("完成情况", "completion"),
        ("评分标准", "rule_text"),
        ("县级评分", "score_review"),
        ("评分", "score"),
        ("权重(%)", "weight"),
        ("指标说明及评分标准", "rule_text"),
    ],
)
def test_short_words_name_a_column_only_as_a_whole_cell(text: str, role: str | None) -> None:
    assert role_of(text) == role


def _row(
    name: str, target: str | None = None, weight: str | None = None, score: str | None = None
) -> RawIndicator:
    def t(s: str | None) -> Text | None:
        return Text(s, 1, 1) if s is not None else None

    return RawIndicator(None, None, t(name), t(target), None, t(weight), t(score), None, None, 1, 1)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (_row("培训人数", "≥50人", "10", "10"), None),
        (_row("带动周边消费", "不适用", "10", "不适用"), None),  # a word in place of a score
        (_row("资金到位率", None, "20%", "18%"), None),  # weights printed as percentages
        (_row("≥90%", "90%", "10", "10"), "the name '≥90%' is a value"),
        (_row("100", "≥90%", "10", "10"), "the name '100' is a value"),
        (_row("指标值", "≥90%", "10", "10"), "the name '指标值' is a column header"),
        (_row("满意度", "≥90%", "≥90%", "10"), "the weight '≥90%' is not a number"),
        (_row("满意度", "≥90%", "10", "12.5公里"), "the score '12.5公里' is a value with a unit"),
        (_row("满意度", "≥", "10", "10"), "the target '≥' is an operator without its value"),
        (_row("满意度", "≥90%", "10", "1500"), "the score '1500' is no row's score"),
    ],
)
def test_rows_type_check(row: RawIndicator, problem: str | None) -> None:
    assert row_problem(row) == problem


def test_a_row_that_fails_becomes_unread_cells_and_parents_are_renumbered() -> None:
    table = LocatedTable(title=Text("t", 1, 1), kind="project")
    parent = _row("培训人数", "≥1200人", "20", "20")
    bad = _row("≥90%", "90%", "10", "10")
    part = RawIndicator(
        None,
        None,
        Text("其中：县城", 1, 2),
        Text("≥400人", 1, 2),
        None,
        None,
        None,
        None,
        None,
        1,
        2,
        kind="part",
        parent=1,
    )
    table.indicators = [bad, parent, part]
    vet(table)
    assert [r.level3.text for r in table.indicators if r.level3] == ["培训人数", "其中：县城"]
    assert table.indicators[1].parent == 0
    assert [u.text for u in table.unparsed] == [
        "≥90% | 90% | 10 | 10 （the name '≥90%' is a value）"
    ]


def test_a_rule_text_is_no_actual() -> None:
    name, target = Text("资金分配合理性", 1, 1), Text("考察资金分配情况。", 1, 1)
    actual = Text("符合得3分,否则不得分", 1, 1)
    row = RawIndicator(None, None, name, target, actual, None, None, None, None, 1, 1)
    assert row_problem(row) == (
        "the actual '符合得3分,否则不得分' is a scoring rule (评分标准), not a value"
    )


@dataclass(frozen=True)
class _Printed:
    """A grid row as the grid reader sees it: its cells (spans repeated), not a paragraph."""

    cells: tuple[str, ...]
    paragraph: bool = False


def test_header_cells_wrapped_over_two_lines_are_joined() -> None:
    """A table without lines keeps a wrapped header cell's lines in two rows (`自评得` /
    `分`, `绩效指` / `标`) beside the split target's sub-headers: the rests go back up, the
    sub-headers stay sub-headers; a row of rests alone is the header's second line."""
    top = ("绩效指", "一级指标", "三级指标", "年度指标值", "年度指标值", "", "实际完成值", "自评得")
    sub = ("标", "", "", "指标性质", "指标值", "度量单位", "", "分")
    roles = read_header([_Printed(top), _Printed(sub)])
    assert roles.roles == (None, "level1", "level3", "target_op", "target_value",
                           "target_unit", "actual", "score")  # fmt: skip
    assert roles.depth == 2
    short = ("一级指标", "三级指标", "指标值", "实际完", "自评得")
    roles = read_header([_Printed(short), _Printed(("", "", "", "成值", "分"))])
    assert (roles.roles, roles.depth) == (("level1", "level3", "target", "actual", "score"), 2)
    spanned = ("绩效指标", "三级指标", "分值", "年度", "得分")  # 绩效指标 spans both rows
    roles = read_header([_Printed(spanned), _Printed(("绩效指标", "", "", "目标值", ""))])
    assert (roles.roles, roles.depth) == ((None, "level3", "weight", "target", "score"), 2)
    # a data row under the header is not taken for the header's rest
    data = ("产出指标", "培训人数", "≥50人", "52人", "10")
    assert read_header([_Printed(short), _Printed(data)]).depth == 1


def test_a_header_found_by_its_wrapped_rests() -> None:
    """`二级` / `指标`, `三级` / `指标` name no column alone: with the row of rests under
    them they are the header, `偏差原因分析及改进` / `措施` included (a rest that adds nothing
    to its column's role moves up only in a row that holds no indicator name)."""
    top = ("绩效指标", "一级指标", "二级", "三级", "年度目标值", "年度实际完", "得分",
           "偏差原因分析及改进")  # fmt: skip
    sub = ("绩效指标", "", "指标", "指标", "", "成值", "", "措施")
    assert not is_indicator_header(_Printed(top))
    assert is_indicator_header(_Printed(top), _Printed(sub))
    roles = read_header([_Printed(top), _Printed(sub)])
    assert roles.roles == (None, "level1", "level2", "level3", "target", "actual", "score",
                           "reason")  # fmt: skip
    assert roles.depth == 2
    first_row = ("", "产出指标", "数量指标", "培训人数", "≥50人", "52人", "10", "无")
    whole = tuple(t + b for t, b in zip(top, sub, strict=True))
    assert read_header([_Printed(whole), _Printed(first_row)]).depth == 1
