"""Glued rows proven by the sums their table prints, over every weight and score a line may
hold (its tails); what no sum settles stays reported. Tables made up for these tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipeline.batch.document import process_file
from pipeline.extract.glued_budget import glued_total, total_sums
from pipeline.extract.glued_rows import cut_line
from pipeline.extract.glued_tails import Tail, tails
from pipeline.extract.located import Text
from pipeline.extract.unglue import unglue
from schemas.profile import Profile

WEIGHT_FIRST = ("level3", "weight", "target", "actual", "score", "reason")
HEADER = "一级指标二级指标三级指标分值年度指标值全年实际值得分偏差原因分析及改进措施"
# 产出 weighs 10 + 11 + 9 = 30. `115万株15万株1` is weight 1 and target 15万株, or weight 11
# and target 5万株 (the actual 15万株 fits either); the third line's texts have no provable
# border (明显提升 | 效果良好 or 明显 | 提升效果良好), but its tail 9 | 9 is sure.
ROWS = [
    "{label}数量指标指标1培训农户人次10850人次850人次10",
    "{label}数量指标指标2发放种苗数量115万株15万株1",
    "{label}质量指标指标1技术服务质量9明显提升效果良好9",
]


def _unglue(label: str, *more: str) -> list[Text]:
    lines = [HEADER, *(r.format(label=label) for r in ROWS), *more]
    return unglue([Text(text, 1, k) for k, text in enumerate(lines, 1)])


def _cells_after(toks: list[Text], name: str, n: int) -> list[str]:
    texts = [t.text for t in toks]
    at = texts.index(name)
    return texts[at : at + n]


def test_the_digits_leave_two_cuts() -> None:
    cuts = cut_line("指标2发放种苗数量115万株15万株1", WEIGHT_FIRST)
    assert sorted((c.get("weight"), c.get("target")) for c in cuts) == [
        ("1", "15万株"),
        ("11", "5万株"),
    ]


def test_a_line_no_cut_reads_counts_in_its_levels_sum() -> None:
    """Only weight 11 makes 产出 weigh 30, counting the 9 of the line left unread."""
    toks = _unglue("产出指标(30分)")
    assert _cells_after(toks, "指标2发放种苗数量", 5) == [
        "指标2发放种苗数量", "11", "5万株", "15万株", "1",
    ]  # fmt: skip
    assert _cells_after(toks, "指标1培训农户人次", 5) == [
        "指标1培训农户人次", "10", "850人次", "850人次", "10",
    ]  # fmt: skip
    unread = [t.text for t in toks if t.unread]
    assert unread == ["指标1技术服务质量9明显提升效果良好9"]


def test_the_total_row_proves_it_where_no_level_prints_a_weight() -> None:
    """合计 100 90 (weights, then scores; 效益 weighs 70): only weight 11 adds up to 100."""
    toks = _unglue("产出指标", "效益指标社会效益指标指标1服务覆盖率70≥90%95%70", "合计10090")
    assert _cells_after(toks, "指标2发放种苗数量", 5)[1:3] == ["11", "5万株"]
    assert [t.text for t in toks if t.unread] == ["指标1技术服务质量9明显提升效果良好9"]


def test_without_a_printed_sum_the_ambiguous_line_stays_unread() -> None:
    """No level weight, no total: weight 1 and weight 11 both fit; the line is reported."""
    toks = _unglue("产出指标")
    unread = [t.text for t in toks if t.unread]
    assert "指标2发放种苗数量115万株15万株1" in unread
    assert "11" not in [t.text for t in toks]


def test_a_misprinted_level_weight_proves_nothing() -> None:
    """产出指标(25分): no choice makes the weights add up to 25; the line stays unread."""
    toks = _unglue("产出指标(25分)")
    assert "指标2发放种苗数量115万株15万株1" in [t.text for t in toks if t.unread]


def test_tails_of_a_line_whose_texts_cannot_be_cut() -> None:
    """The weight and score after the last text divide one way; where the texts divide
    does not matter to them."""
    found = tails("指标1技术服务质量9明显提升效果良好9", WEIGHT_FIRST, Decimal(30))
    assert Tail("9", "9") in found
    assert all(t.score is None or t.weight is not None for t in found)  # no score alone
    assert cut_line("指标1技术服务质量9明显提升效果良好9", WEIGHT_FIRST) == []


def test_hubei_total_is_the_scores_sum() -> None:
    """A table with no weight column: its total row's one number is the scores' total,
    with or without the budget block's own 得分."""
    line = [Text("总分98.25", 1, 1)]
    assert total_sums(line, {"score": "20"}, weighted=False) == {
        (Decimal("98.25"),),
        (Decimal("78.25"),),
    }
    assert total_sums(line, {"score": "20"}) == set()  # weight or score: not known which


def test_a_total_of_weights_printed_as_shares_is_cut() -> None:
    toks = glued_total([Text("总分100%97.52", 1, 1)])
    assert toks is not None
    assert [t.text for t in toks] == ["总分", "100%", "97.52"]


OCR_TABLE = """示例马铃薯种薯项目绩效目标自评表(2023年度)
一级指标二级指标三级指标分值年度指标值全年实际值得分偏差原因分析及改进措施
产出指标(20分)数量指标指标1繁育基地面积10≥300亩305亩10
产出指标(20分)质量指标指标1种薯合格率10工95%^96%10
效益指标(10分)社会效益指标指标1推广面积占比10280%5=80%10
合计3030
"""


def test_ocr_look_alikes_open_a_glued_target_and_actual(central: Profile, tmp_path: Path) -> None:
    """`工95%` and `^96%`: ≥ as OCR reads it where a value opens; `280%` (no share of 280)
    is ≥80% as a target; the printed cells are kept and each repair is a finding."""
    path = tmp_path / "ocr.txt"
    path.write_text(OCR_TABLE, encoding="utf-8")
    result = process_file(path, central)
    rows = [
        (r.level3, r.target_raw, r.actual_raw, r.weight, r.score_stated, r.parse_confidence)
        for r in result.indicators
    ]
    assert rows == [
        ("指标1繁育基地面积", "≥300亩", "305亩", 10.0, 10.0, 0.9),
        ("指标1种薯合格率", "≥95%", "≥96%", 10.0, 10.0, 0.8),
        ("指标1推广面积占比", "≥80%", "≥80%", 10.0, 10.0, 0.8),
    ]
    repaired = sorted(f.message for f in result.findings if f.code == "OCR_REPAIRED")
    assert len(repaired) == 4
    assert any("“^96%”" in m for m in repaired)


def _spaced(label: str) -> list[str]:
    """OCR text that kept the spaces of some lines: one glued line among spaced ones."""
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "全年实际值", "分值", "得分"]
    lines = [
        header,
        [label, "数量指标", "培训农户人次", "≥850人次", "850人次", "10", "10"],
        [f"{label}数量指标村卫生室建设数量≥50家55111"],  # 55 | 11 | 1 or 551 | 1 | 1
        ["质量指标", "技术服务质量", "明显提升", "效果良好", "9", "9"],
    ]
    toks = [Text(text, 1, k) for k, line in enumerate(lines, 1) for text in line]
    return [t.text for t in unglue(toks)]


def test_a_glued_line_among_spaced_ones_is_proven_by_its_levels_weight() -> None:
    """产出指标(30分): the spaced lines weigh 10 and 9, so the glued one weighs 11."""
    cells = _spaced("产出指标(30分)")
    at = cells.index("村卫生室建设数量")
    assert cells[at - 2 : at + 5] == [
        "产出指标(30分)", "数量指标", "村卫生室建设数量", "≥50家", "55", "11", "1",
    ]  # fmt: skip
    assert "产出指标数量指标村卫生室建设数量≥50家55111" in _spaced("产出指标")  # no sum: whole
