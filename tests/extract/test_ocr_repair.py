"""OCR look-alikes repaired in the value grammar only where a comparator or unit belongs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.extract.values import parse_value, repair_ocr


@pytest.mark.parametrize(
    ("raw", "target", "repaired"),
    [
        ("工5000人次", True, "≥5000人次"),
        ("^90%", True, "≥90%"),
        ("290%", True, "≥90%"),  # 290 % is no share: the 2 was ≥
        ("96.4$", False, "96.4%"),
        ("IO个", False, "10个"),
        ("=1O0人", False, "=100人"),
        ("二 100 %", True, "= 100 %"),  # a split target's lone `=` read as 二
        ("二72890元", True, "=72890元"),
    ],
)
def test_look_alikes_repaired(raw: str, target: bool, repaired: str) -> None:
    assert repair_ocr(raw, target=target) == repaired


@pytest.mark.parametrize(
    ("raw", "target"),
    [
        ("25个", True),  # as likely 25 as ≥5: left alone
        ("200%", True),
        ("290%", False),  # an actual may exceed 100 %
        ("工5000人次", False),  # a comparator look-alike only in a target cell
        ("ISO9001", False),
        ("完全达到预期", True),
        ("≥90%", True),
        ("二级以上", True),  # 二 before no number is the numeral
        ("第二100名", True),  # not opening the cell
        ("二 100 %", False),  # an actual opens with no comparator
        ("二", True),
    ],
)
def test_text_that_is_no_look_alike_is_kept(raw: str, target: bool) -> None:
    assert repair_ocr(raw, target=target) is None


def test_raw_text_kept_and_repair_recorded() -> None:
    value = parse_value("290%", ocr=True, target=True)
    assert (value.raw, value.repaired, value.op, value.value, value.unit) == (
        "290%", "≥90%", ">=", Decimal(90), "%",
    )  # fmt: skip
    plain = parse_value("290%", target=True)  # not OCR'd: as printed
    assert (plain.op, plain.value, plain.repaired) == (None, Decimal(290), None)
