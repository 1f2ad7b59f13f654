"""Tables whose PDF text runs several rows' values before their labels: rows mapped by
position only where one split, one name per group, the levels and the weights prove it."""

from __future__ import annotations

from pathlib import Path

from pipeline.batch.document import process_file
from schemas.profile import Profile

HEAD = """项目支出绩效自评表
（2023年度）
项目名称 乡村图书室运行经费 主管部门 示例县文化和旅游局
项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分
年度资金总额 50.00 50.00 48.00 10 96.00% 9.6
"""
# The header split by the first row's labels, the first name's first line before the values
# and its rest (`次`) after them, a qualitative target (按时), the 总分 row's numbers before
# the labels, a name wrapped at the column's width (`新书采购到位及 | 时性`).
BLOCK = (
    "一级指标 二级指标 数量指标 三级指标 图书借阅服务人 年度 指标值 实际 完成值 分值 得分 "
    "≥2000人次 2150人次 20 20 =100% 100% 20 20 按时 按时 20 18 ≥90% 93% 30 30 100 97.6 "
    "次 产出指标 质量指标 时效指标 效益指标 社会效益指标 图书上架完好率 新书采购到位及 时性 "
    "读者满意率 总分\n"
)

Row = tuple[str | None, str | None, str, str | None, str | None, float | None, float | None]


def _read(text: str, central: Profile, tmp_path: Path) -> tuple[list[Row], list[str]]:
    path = tmp_path / "blocks.txt"
    path.write_text(text, encoding="utf-8")
    result = process_file(path, central)
    rows = [
        (r.level1, r.level2, r.level3, r.target_raw, r.actual_raw, r.weight, r.score_stated)
        for r in result.indicators
    ]
    return rows, [f.code for f in result.findings]


def test_values_before_labels_are_mapped_when_proven(central: Profile, tmp_path: Path) -> None:
    rows, codes = _read(HEAD + BLOCK, central, tmp_path)
    assert rows == [
        ("产出指标", "数量指标", "图书借阅服务人次", "≥2000人次", "2150人次", 20.0, 20.0),
        ("产出指标", "质量指标", "图书上架完好率", "=100%", "100%", 20.0, 20.0),
        ("产出指标", "时效指标", "新书采购到位及时性", "按时", "按时", 20.0, 18.0),
        ("效益指标", "社会效益指标", "读者满意率", "≥90%", "93%", 30.0, 30.0),
    ]
    # the printed total adds up (88 + 9.6 = 97.6): no total or weight finding
    assert not {"TOTAL_ARITHMETIC", "WEIGHT_SUM_NOT_100", "TABLE_UNPARSED"} & set(codes)


def test_a_name_too_few_leaves_the_table_unread(central: Profile, tmp_path: Path) -> None:
    """Three names for four value groups: which name is whose is not known."""
    rows, codes = _read(HEAD + BLOCK.replace("图书上架完好率 ", ""), central, tmp_path)
    assert rows == []
    assert "TABLE_UNPARSED" in codes


def test_weights_that_do_not_add_up_leave_the_table_unread(
    central: Profile, tmp_path: Path
) -> None:
    """The 总分 row's 100 is neither the weights' 90 nor 90 and a budget's points: the split
    is not proven."""
    rows, codes = _read(HEAD + BLOCK.replace("100 97.6", "120 97.6"), central, tmp_path)
    assert rows == []
    assert "TABLE_UNPARSED" in codes


def test_a_text_that_is_a_reason_or_a_name_leaves_the_table_unread(
    central: Profile, tmp_path: Path
) -> None:
    """A text right after a score in a table with a 偏差原因 column is its reason or a name;
    with a name lost too, neither reading gives one name per value group."""
    text = BLOCK.replace("得分 ≥2000", "得分 偏差原因 ≥2000").replace(
        "按时 按时 20 18 ", "按时 按时 20 18 进度滞后 "
    )
    rows, codes = _read(HEAD + text.replace("图书上架完好率 ", ""), central, tmp_path)
    assert rows == []
    assert "TABLE_UNPARSED" in codes


def test_a_reason_after_its_score_is_kept_as_the_reason(central: Profile, tmp_path: Path) -> None:
    text = BLOCK.replace("得分 ≥2000", "得分 偏差原因 ≥2000").replace(
        "按时 按时 20 18 ", "按时 按时 20 18 进度滞后 "
    )
    path = tmp_path / "reason.txt"
    path.write_text(HEAD + text, encoding="utf-8")
    result = process_file(path, central)
    assert [(r.level3, r.reason) for r in result.indicators] == [
        ("图书借阅服务人次", None),
        ("图书上架完好率", None),
        ("新书采购到位及时性", "进度滞后"),
        ("读者满意率", None),
    ]
