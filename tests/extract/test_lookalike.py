"""OCR look-alikes in text that reached us already recognised: repaired where they can mean
one thing only, the printed text kept on the cell, the row marked less sure."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.extract.located import LocatedTable, RawIndicator, Text
from pipeline.extract.lookalike import repair_comparator, repair_numbers, repair_tokens
from pipeline.extract.rowcheck import REPAIRED_CONFIDENCE, vet


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("IO0", "100"),
        ("IO.00", "10.00"),
        ("85$", "85%"),
        ("103.00$", "103.00%"),
        ("产出指标(IO分)", "产出指标(10分)"),
        ("2023年IO月", "2023年10月"),
        ("不低于80$82IOIO", "不低于80%821010"),  # a glued line: 80% | 82 | 10 | 10
        ("1O0人", "100人"),
    ],
)
def test_numbers_are_repaired(printed: str, read: str) -> None:
    assert repair_numbers(printed) == read


@pytest.mark.parametrize(
    "text",
    ["ISO9001质量认证", "COVID-19防控", "完全达到预期", "≥90%", "2500公斤", "Wi-Fi覆盖率", "I"],
)
def test_text_without_look_alikes_is_kept(text: str) -> None:
    assert repair_numbers(text) == text


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("工850项", "≥850项"),
        ("^95%", "≥95%"),
        ("5=300人次", "≥300人次"),
        ("S2.8万元", "≤2.8万元"),
        ("工", "≥"),  # a split target's 指标性质 cell
        ("24600所", "24600所"),  # a leading 2 may be 2: left to the row check
        ("290%", "≥90%"),  # no share is 290 %: the 2 was ≥
        ("2100%", "≥100%"),
        ("25.5%", "25.5%"),
        ("200%", "200%"),
        ("工作日", "工作日"),
        ("S级景区", "S级景区"),
        ("二 100 %", "= 100 %"),  # `=` read as 二, right before a number
        ("二", "二"),  # alone it is the numeral
        ("二级指标", "二级指标"),
    ],
)
def test_a_target_comparator_is_repaired(printed: str, read: str) -> None:
    assert repair_comparator(printed) == read


def test_tokens_are_repaired_only_in_text_that_shows_look_alikes() -> None:
    clean = [Text("受益群众满意度", 1, 1), Text("10", 1, 1)]
    assert repair_tokens(clean) is clean
    damaged = [Text(t, 1, 1) for t in ("受益群众满意度", "92$", "IO", "工", "90", "$")]
    assert [(t.text, t.printed) for t in repair_tokens(damaged)] == [
        ("受益群众满意度", None),
        ("92%", "92$"),
        ("10", "IO"),
        ("≥", "工"),  # a split target's cells: 指标性质, 指标值, 度量单位
        ("90", None),
        ("%", "$"),
    ]


def _row(target: str, actual: str, weight: str, score: str) -> RawIndicator:
    def t(text: str) -> Text:
        return Text(text, 1, 2)

    return RawIndicator(
        t("产出指标"), t("数量指标"), t("文化活动完成数"), t(target), t(actual), t(weight),
        t(score), None, None, 1, 2,
    )  # fmt: skip


def test_a_repaired_row_is_read_less_sure_with_its_printed_text() -> None:
    table = LocatedTable(title=Text("项目支出绩效自评表", 1, 1), kind="project")
    table.indicators = [_row("工850项", "855项", "13", "13"), _row("≥20次", "20次", "9", "9")]
    table.lookalikes = True
    vet(table)
    first, second = table.indicators
    assert first.target is not None and first.target.text == "≥850项"
    assert first.target.printed == "工850项"
    assert (first.confidence, second.confidence) == (REPAIRED_CONFIDENCE, 1.0)


def test_a_leading_two_stays_unsure_but_a_year_is_a_year() -> None:
    table = LocatedTable(title=Text("项目支出绩效自评表", 1, 1), kind="project")
    table.indicators = [
        _row("24600所", "4600所", "8", "8"),
        _row("2023年12月31日前", "按时完成", "8", "8"),
        _row("20人次以上", "20人次", "8", "8"),
    ]
    table.lookalikes = True
    vet(table)
    targets = [r.target.text for r in table.indicators if r.target]
    assert targets == ["2023年12月31日前", "20人次以上"]
    assert "may open with a misread ≥" in table.unparsed[0].text


def test_cells_a_misread_shifted_are_reported_in_ocr_text() -> None:
    """河北 rows whose split target's `≥` was read as a lone 2: the cells after it sit one
    column late, so the score passes its weight or a unit lands in 完成情况."""
    table = LocatedTable(title=Text("项目支出绩效自评表", 1, 1), kind="project")
    shifted = _row("反映文化活动情况", "", "2", "95")
    lone_two = dataclasses.replace(_row("2", "85", "85%", ""), score=None)
    unit = dataclasses.replace(_row("≥85%", "85%", "6", "6"), extra={"completion": Text("%", 1, 2)})
    table.indicators = [shifted, lone_two, unit, _row("≥95%", "95%", "13", "13")]
    table.lookalikes = True
    vet(table)
    assert [r.target.text for r in table.indicators if r.target] == ["≥95%"]
    reasons = [u.text.split("（")[-1] for u in table.unparsed]
    assert reasons == [
        "the score '95' is above the weight '2': a misread cell (OCR text)）",
        "the target cell '2' may be a misread ≥ (OCR text)）",
        "the completion '%' is a unit without its value）",
    ]


def test_a_lone_number_that_may_be_the_actual_or_the_score_is_reported() -> None:
    """`路灯照明覆盖率 5= 95 $ 95` under 指标值 · 全年完成值 · 得分: the row prints one of the
    two, and OCR text gives no spacing to tell which."""
    table = LocatedTable(title=Text("项目支出绩效自评表", 1, 1), kind="project")
    lone = dataclasses.replace(_row("≥95%", "", "", "95"), actual=None, weight=None)
    table.indicators = [lone, _row("≥90%", "92%", "10", "10")]
    table.lookalikes = True
    vet(table)
    assert [r.target.text for r in table.indicators if r.target] == ["≥90%"]
    assert "may be the actual" in table.unparsed[0].text
