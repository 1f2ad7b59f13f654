"""The claims scan on one long line: linear, and bounded by a time budget per part.

A flattened table of thousands of numbers on one line once took quadratic time (200 KB: 40 s).
The timings themselves are measured by `python -m bench.scale --claims-only`; here the
reading is checked exact, and a part that runs out of its budget is a finding, not a hang.
"""

from __future__ import annotations

import time

from pipeline.claims.collect import scan_claims
from pipeline.claims.text import Entry, read_sentences
from schemas.profile import Profile
from tests.claims.test_claims_rules import doc_of

HEAD = "一、基本情况"
AFTER = "年度预算100万元，其中：基本支出60万元，项目支出40万元。"


def _long_line(numbers: int) -> str:
    return "、".join(f"{i}.5万元" for i in range(numbers))


def test_every_number_of_a_long_line_is_read_once(central: Profile) -> None:
    line = "（一）" + _long_line(10_000)  # ~90 KB, one bracket before all of it
    (sentence,) = read_sentences(doc_of(line))
    entries = [e for e in sentence.events if isinstance(e, Entry)]
    assert len(entries) == 10_000
    assert [e.number.value for e in entries[:3]] == [0.5, 1.5, 2.5]
    assert entries[-1].number.raw == "9999.5万元"
    assert {e.depth for e in entries} == {0}  # `（一）` closed before the numbers


def test_a_long_line_and_the_claims_after_it_within_the_budget(central: Profile) -> None:
    started = time.process_time()
    scan = scan_claims(doc_of(HEAD, _long_line(20_000), AFTER), [], central.grade_of)
    assert time.process_time() - started < 10  # was minutes
    assert scan.incomplete == []
    (claim,) = [c for c in scan.claims if c.line == 3]
    assert (claim.kind, claim.stated, claim.recomputed, claim.consistent) == (
        "parts_sum",
        100.0,
        100.0,
        True,
    )


def test_a_paragraph_over_its_budget_is_a_finding_and_the_rest_is_read(
    central: Profile,
) -> None:
    scan = scan_claims(doc_of(HEAD, _long_line(100_000), AFTER), [], central.grade_of, seconds=0.2)
    (notice,) = scan.incomplete
    assert (notice.code, notice.severity, notice.line) == ("CLAIMS_INCOMPLETE", "info", 2)
    assert "本段超过0.2秒" in notice.message
    (claim,) = scan.claims  # the paragraph after it is read as ever
    assert (claim.line, claim.stated, claim.consistent) == (3, 100.0, True)
