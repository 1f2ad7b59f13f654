from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.values import parse_number, parse_value, unit_in_label, weight_in_label


@pytest.mark.parametrize(
    ("raw", "op", "value", "unit", "base", "base_unit"),
    [
        (">=5000人次", ">=", "5000", "人次", "5000", "人次"),
        ("<=15.35万元", "<=", "15.35", "万元", "153500", "元"),
        ("≥4万人次", ">=", "4", "万人次", "40000", "人次"),
        ("≧90%", ">=", "90", "%", "90", "%"),
        ("≦ 2 %", "<=", "2", "%", "2", "%"),
        ("═100%", "=", "100", "%", "100", "%"),
        ("＞＝１２场", ">=", "12", "场", "12", "场"),
        ("=2355.56元/人/月", "=", "2355.56", "元/人/月", "2355.56", "元/人/月"),
        ("<=15.49万元/年", "<=", "15.49", "万元/年", "154900", "元/年"),
        ("1,632.63", None, "1632.63", None, "1632.63", None),
        ("不低于95%", ">=", "95", "%", "95", "%"),
        ("不超过 30 万元", "<=", "30", "万元", "300000", "元"),
        ("50个以上", ">=", "50", "个", "50", "个"),
        ("24小时内", "<=", "24", "小时", "24", "小时"),
        ("10.00分", None, "10.00", "分", "10.00", "分"),
        ("0个", None, "0", "个", "0", "个"),
    ],
)
def test_numbers(
    raw: str, op: str | None, value: str, unit: str | None, base: str, base_unit: str | None
) -> None:
    parsed = parse_value(raw)
    assert parsed.status == "number"
    assert (parsed.op, parsed.value, parsed.unit) == (op, Decimal(value), unit)
    assert (parsed.base, parsed.base_unit) == (Decimal(base), base_unit)
    assert parsed.raw == raw


@pytest.mark.parametrize("raw", ["不断提高", "完全达到预期", "有效保障", "是"])
def test_qualitative(raw: str) -> None:
    parsed = parse_value(raw)
    assert (parsed.status, parsed.text, parsed.value) == ("qual", raw, None)


@pytest.mark.parametrize("raw", ["", "  ", "—", "-", "/", None])
def test_empty(raw: str | None) -> None:
    assert parse_value(raw).status == "empty"


@pytest.mark.parametrize("raw", ["约5-8次", "第3季度完成90%", "2023年12月31日前完成资金支付"])
def test_unparsed_keeps_text(raw: str) -> None:
    parsed = parse_value(raw)
    assert parsed.status == "unparsed"
    assert parsed.raw == raw and parsed.value is None


def test_parse_number() -> None:
    assert parse_number("99.63%") == Decimal("99.63")
    assert parse_number("10.00分") == Decimal("10.00")
    assert parse_number(">=5") is None  # a comparator is not a bare amount
    assert parse_number("—") is None


def test_labels() -> None:
    assert unit_in_label("项目资金 （万元）") == "万元"
    assert unit_in_label("部门资金(元)") == "元"
    assert unit_in_label("年度总体目标") is None
    assert weight_in_label("产出指标(50分)") == ("产出指标", Decimal(50))
    assert weight_in_label("效益指标（30 分）") == ("效益指标", Decimal(30))
    assert weight_in_label("产出指标") == ("产出指标", None)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_string_parses_or_is_reported(raw: str) -> None:
    parsed = parse_value(raw)
    assert parsed.status in {"number", "date", "qual", "empty", "unparsed"}
    assert parsed.raw == raw
    if parsed.status == "number":
        assert parsed.value is not None and parsed.base is not None


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["", ">=", "≥", "<=", "≤", "=", "不低于"]),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    st.sampled_from(["", "万元", "元", "%", "人次", "个"]),
)
def test_generated_values_round_trip(op: str, number: Decimal, unit: str) -> None:
    parsed = parse_value(f"{op}{number}{unit}")
    assert parsed.status == "number"
    assert parsed.value == number
    assert parsed.unit == (unit or None)


@pytest.mark.parametrize(
    ("raw", "op", "value", "unit"),
    [
        ("2023年12月31日前", "<=", 20231231, "年月日"),
        ("2021年11月30日前完成", "<=", 20211130, "年月日"),
        ("11月底", None, 1131, "月日"),
        ("12月中旬", None, 1220, "月日"),
        ("6月份完成", None, 631, "月日"),
        ("10月20日以内", "<=", 1020, "月日"),
    ],
)
def test_dates_and_deadlines(raw: str, op: str | None, value: int, unit: str) -> None:
    parsed = parse_value(raw)
    assert (parsed.status, parsed.op, parsed.unit) == ("date", op, unit)
    assert parsed.value == Decimal(value)


@pytest.mark.parametrize("raw", ["12个月", "13月", "3月32日"])
def test_not_dates(raw: str) -> None:
    assert parse_value(raw).status != "date"
