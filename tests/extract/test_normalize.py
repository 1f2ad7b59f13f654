"""Text as mirror sites and converters deliver it, folded to one spelling for matching."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.extract import headers as h
from pipeline.extract.normalize import for_matching, merge_words
from pipeline.extract.values import parse_value


@pytest.mark.parametrize(
    ("printed", "matched"),
    [
        ("績效自評表", "绩效自评表"),
        ("指標(biāo)值", "指标值"),
        ("產(chǎn)出指標(biāo)", "产出指标"),
        ("★維護路燈數量", "维护路灯数量"),
        ("服务人数(≥**人)", "服务人数"),
        ("村民满意度（≥**%）", "村民满意度"),
        ("年初目标值(A)", "年初目标值(A)"),  # a column letter is no pinyin
        ("道路里程(km)", "道路里程(km)"),  # nor is a unit
        ("显著提高", "显著提高"),  # simplified text is left as it is
        ("＞＝９０％", ">=90%"),
    ],
)
def test_for_matching(printed: str, matched: str) -> None:
    assert for_matching(printed) == matched


def test_traditional_and_pinyin_headers_match_the_vocabulary() -> None:
    assert h.match_column("實際完成值", h.INDICATOR_COLUMNS) == "actual"
    assert h.match_column("三級(jí)指標(biāo)", h.INDICATOR_COLUMNS) == "level3"
    assert h.key("滿意度指標") in h.LEVEL1_LABELS


def test_values_read_through_the_folding() -> None:
    value = parse_value("≥９５％")
    assert (value.op, value.value, value.unit) == (">=", Decimal(95), "%")
    assert parse_value("★達到預期").status == "qual"


@pytest.mark.parametrize(
    ("words", "merged"),
    [
        ("产 出 指 标 (50分) 数量指标", ["产出指标(50分)", "数量指标"]),
        ("效 益 指 标 （30分）", ["效益指标（30分）"]),
        ("服务人数 (≥**人) ≥120人", ["服务人数(≥**人)", "≥120人"]),
        ("产 出 指 标（60分） 质量指标", ["产出指标（60分）", "质量指标"]),
        ("持续发挥 ☑达到 □未达到 10", ["持续发挥", "☑达到 □未达到", "10"]),
        ("效 益 指(zhǐ) 標(biāo) 社会效益指标", ["效益指(zhǐ)標(biāo)", "社会效益指标"]),
        ("是 是 10 10", ["是", "是", "10", "10"]),  # two one-character answers stay apart
        ("满 意 度 指 标(IO分) 10", ["满意度指标(IO分)", "10"]),  # OCR's 10, repaired later
    ],
)
def test_merge_words(words: str, merged: list[str]) -> None:
    assert merge_words(words.split()) == merged
