"""Family arithmetic as data (schemas/profiles/families.toml) and the rubric's rule tiers."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from pipeline.audit.families import checked_option, target_in_name
from pipeline.audit.family_checks import rule_tiers
from schemas.families import SCORINGS, evaluate, family_rules
from schemas.tables import IndicatorRow


def test_every_family_has_rules_and_unknown_says_so() -> None:
    families = ("mof", "weight_first", "no_weight", "split_target", "weighted_conversion",
                "coefficient", "targets_only", "rubric")  # fmt: skip
    assert {family_rules(f).scoring for f in families} <= set(SCORINGS)
    assert family_rules("a form nobody has seen").scoring == "rules_assumed"
    assert family_rules("targets_only").scoring == "targets_only"


def test_arithmetic_expressions() -> None:
    hebei = family_rules("weighted_conversion").checks[0]
    values = {"score_item": Decimal("97.5"), "weight_share": Decimal(20)}
    assert evaluate(hebei.left, values) == Decimal("19.5")
    assert evaluate(hebei.left, {"score_item": Decimal(90)}) is None  # a term not printed
    assert evaluate("score / weight", {"score": Decimal(1), "weight": Decimal(0)}) is None


@pytest.mark.parametrize(
    ("rule", "tiers"),
    [
        ("≥90%,计5分;80%(含)-90%,计4分;其他不得分", [5, 4]),
        ("合理计6分，基本合理计3分，不合理计0分", [6, 3, 0]),
        ("每减少1%,扣1分,扣完为止", []),
        ("全部符合得满分，每发现一处问题扣1.5分", []),
        ("依据充分计4分，否则酌情扣分", []),
        ("符合得3分，否则不得分", []),  # one tier: any lower score is a judgement, not a tier
        (None, []),
    ],
)
def test_rule_tiers(rule: str | None, tiers: list[int]) -> None:
    assert rule_tiers(rule) == [Decimal(t) for t in tiers]


def _row(name: str, target: str | None, actual: str | None) -> IndicatorRow:
    fields: dict[str, Any] = {f.name: None for f in dataclasses.fields(IndicatorRow)}
    fields |= {"indicator_id": "x", "table_id": "t", "doc_id": "d", "seq": 1, "level3": name,
               "indicator_concept": "rate", "target_op_inferred": False, "parse_confidence": 1.0,
               "target_raw": target, "actual_raw": actual}  # fmt: skip
    return IndicatorRow(**fields)


@pytest.mark.parametrize(
    ("name", "target", "actual", "found"),
    [
        ("资金到位率100%", None, "100%", ">=100%"),
        ("群众满意度≥90%", None, "92%", "≥90%"),
        ("资金到位率100%", "=100%", "100%", None),  # a target cell wins
        ("100%", None, "100%", None),  # the whole name is a value: no name left
        ("培训人数", None, "120人", None),
    ],
)
def test_target_in_name(name: str, target: str | None, actual: str, found: str | None) -> None:
    assert target_in_name(_row(name, target, actual)) == found


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ("☑达到 □未达到", "达到"),
        ("□达到 ☑未达到", "未达到"),
        ("☑是 ☑否", "☑是 ☑否"),
        ("达到", "达到"),
    ],
)
def test_checkbox_answers_read_as_the_ticked_option(raw: str, read: str) -> None:
    assert checked_option(raw) == read
