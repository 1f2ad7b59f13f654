"""Claims in prose as real reports print it: parts on lines of their own, sentence breaks lost
in extraction, text cut short. Invented wording and numbers."""

from __future__ import annotations

import parsers
from pipeline.claims.collect import extract_claims
from schemas.tables import ClaimRow

BUDGET_AS_LINES = """某县教育局2023年度项目支出绩效自评报告
一、项目资金情况
本项目年初预算数为120万元，全年预算数为150万元。
其中：
中央补助资金80万元
省级补助资金40万元
县级配套资金{county}万元
二、资金使用
"""


def claims(text: str) -> list[ClaimRow]:
    doc = parsers.parse_bytes(text.encode(), "report.txt")
    return extract_claims(doc, [], lambda _: "优")


def test_parts_printed_on_their_own_lines_are_a_parts_sum() -> None:
    [claim] = claims(BUDGET_AS_LINES.format(county=30))
    assert (claim.kind, claim.subject, claim.stated, claim.recomputed) == (
        "parts_sum",
        "全年预算数",
        150.0,
        150.0,
    )
    assert claim.consistent
    assert (
        claim.detail == "中央补助资金 80万元 + 省级补助资金 40万元 + 县级配套资金 30万元 = 150万元"
    )


def test_a_wrong_part_on_its_own_line_is_flagged() -> None:
    [claim] = claims(BUDGET_AS_LINES.format(county=35))
    assert (claim.stated, claim.recomputed, claim.consistent) == (150.0, 155.0, False)


def test_a_lost_sentence_break_makes_two_claims_not_one_list() -> None:
    """`…47.3万元2023年支出比上年…`: the change belongs to the year's spending, not to the last
    part of the list before it (which gave a false 35.9 % against the printed 9.4 %)."""
    text = (
        "全年执行数为145.6万元，其中设备购置98.3万元，人员培训47.3万元"
        "2023年支出比上年增加12.5万元，增长9.4%。\n"
    )
    found = claims(text)
    assert [(c.kind, c.subject) for c in found] == [
        ("parts_sum", "全年执行数"),
        ("change", "全年执行数"),
    ]
    assert all(c.consistent for c in found)
    assert found[1].text == "2023年支出比上年增加12.5万元，增长9.4%。"


def test_a_number_cut_by_the_end_of_the_text_is_no_claim() -> None:
    """An excerpt that stops at `…；丙3.4` may have printed 3.45万元: nothing to check there."""
    text = "全年执行数为23.45万元。其中：甲项目12万元；乙项目8万元；丙项目3.4"
    assert claims(text) == []
    assert len(claims(text + "5万元。")) == 1
