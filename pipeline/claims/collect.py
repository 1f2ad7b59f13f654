"""Narrative audit: the numeric claims printed in a report's prose, checked against each other
and against the report's tables.

An auditor reads the sentences too: `自评得分89.45分，绩效级别为“良好”。其中：…` states a total,
its parts and a grade; `本年支出1,362.97万元，其中：基本支出1,044.17万元，占76.61%` a
decomposition and a share; `比上年决算减少16.51万元，下降8.83%` a change whose base is implied.
`extract_claims` finds every such claim (see `claims_text` for the reading, `claims_rules` and
`claims_cross` for the linking), recomputes the claimed number from the others and records
whether it holds within the printed precision; `claim_findings` turns the ones that do not
hold into findings.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import get_args

from pipeline.claims.budget import PART_SECONDS, Budget, OutOfTimeError, Timed
from pipeline.claims.cross import cross_table_claims, unit_equivalence_claims
from pipeline.claims.ratios import budget_gap_claims, change_claims, share_claims
from pipeline.claims.rules import (
    Draft,
    PartsList,
    fmt,
    grade_band,
    grade_claims,
    pair_claims,
    parts_claims,
    parts_lists,
)
from pipeline.claims.text import Sentence, read_sentences
from schemas import Document, Paragraph, ids
from schemas.place import Place, finding_at
from schemas.tables import ClaimRow, EvalTableRow, FindingRow
from schemas.vocab import ClaimKind

# Claim kinds in the order they are listed within one sentence position.
KINDS: tuple[ClaimKind, ...] = get_args(ClaimKind)
KIND_ZH: dict[ClaimKind, str] = {
    "score_total": "得分合计",
    "grade": "等级",
    "parts_sum": "分项合计",
    "share": "占比",
    "change": "变动率",
    "cross_table": "与自评表核对",
    "unit_equivalence": "单位换算",
}
PERCENT_KINDS = frozenset({"share", "change"})


@dataclass(frozen=True)
class Scan:
    claims: list[ClaimRow]
    incomplete: list[FindingRow]
    """CLAIMS_INCOMPLETE: the parts of the scan that ran out of time (pipeline/claims/budget.py)."""


def extract_claims(
    doc: Document, tables: Sequence[EvalTableRow], grade_of: Callable[[float], str]
) -> list[ClaimRow]:
    """Every checkable numeric claim in `doc`'s paragraphs, in document order.

    `tables` are the document's self-evaluation tables (for the cross-table claims; pass []
    when there are none); `grade_of` maps a score to 优/良/中/差 by the scoring profile's bands.
    """
    return scan_claims(doc, tables, grade_of).claims


def scan_claims(
    doc: Document,
    tables: Sequence[EvalTableRow],
    grade_of: Callable[[float], str],
    seconds: float = PART_SECONDS,
) -> Scan:
    """`extract_claims` within a time budget of `seconds` per paragraph read and per rule; a
    part that runs out is a CLAIMS_INCOMPLETE finding, not a scan that never ends."""
    budget = Budget(seconds)
    cut: list[Paragraph] = []
    sentences = read_sentences(doc, budget, cut)
    notices = [_incomplete(doc, n, para.page, para.line, seconds) for n, para in enumerate(cut)]
    timed = Timed(sentences, budget)
    rules: list[tuple[str, Callable[[], list[Draft]]]] = [
        ("parts", lambda: [*parts_claims(timed, lists), *pair_claims(timed, lists)]),
        ("shares", lambda: share_claims(timed, lists)),
        ("changes", lambda: [*change_claims(timed), *budget_gap_claims(timed)]),
        ("grades", lambda: grade_claims(timed, grade_of)),
        ("tables", lambda: cross_table_claims(timed, tables)),
        ("units", lambda: unit_equivalence_claims(timed)),
    ]
    drafts: list[Draft] = []
    lists: list[PartsList] = []
    try:
        budget.start()
        lists = parts_lists(timed)
    except OutOfTimeError:
        notices.append(_incomplete(doc, len(notices), None, None, seconds, "parts lists"))
    for name, rule in rules:
        try:
            budget.start()
            drafts += rule()
        except OutOfTimeError:
            notices.append(_incomplete(doc, len(notices), None, None, seconds, name))
    drafts.sort(key=lambda d: (d.sentence, d.position, KINDS.index(d.kind)))
    return Scan([_row(doc, sentences, seq, d) for seq, d in enumerate(drafts, 1)], notices)


def _row(doc: Document, sentences: Sequence[Sentence], seq: int, d: Draft) -> ClaimRow:
    sentence = sentences[d.sentence]
    return ClaimRow(
        claim_id=ids.claim_id(doc.doc_id, seq),
        doc_id=doc.doc_id,
        seq=seq,
        kind=d.kind,
        text=_text(sentences, d),
        subject=d.subject,
        stated=d.stated,
        recomputed=d.recomputed,
        consistent=d.consistent,
        tolerance=d.tolerance,
        detail=d.detail,
        page=sentence.page,
        line=sentence.line,
    )


def _incomplete(
    doc: Document, n: int, page: int | None, line: int | None, seconds: float, rule: str = ""
) -> FindingRow:
    """A part of the scan that ran out of its time: a paragraph (its place), or a rule."""
    if rule:
        zh = f"文字陈述核对未完成：规则“{rule}”超过{seconds:g}秒，其结果未计入。"
        en = f"Claims not all checked: the {rule} rule ran over {seconds:g} s; its claims dropped."
    else:
        zh = f"文字陈述核对未完成：本段超过{seconds:g}秒，其后的数字未核对。"
        en = f"Claims not all checked: this paragraph ran over {seconds:g} s; the rest is unread."
    place = Place(doc.doc_id, doc.path, page=page, line=line)
    return finding_at(
        place,
        ids.finding_id(ids.short(doc.doc_id), "CLAIMS_INCOMPLETE", n),
        "CLAIMS_INCOMPLETE",
        (zh, en),
    )


def _text(sentences: Sequence[Sentence], d: Draft) -> str:
    """The sentences a claim spans; a new paragraph starts a new line."""
    span = sentences[d.sentence : (d.last or d.sentence) + 1]
    text = span[0].text
    for previous, sentence in itertools.pairwise(span):
        text += ("" if sentence.para == previous.para else "\n") + sentence.text
    return text


def claim_findings(doc: Document, claims: Sequence[ClaimRow]) -> list[FindingRow]:
    """One finding per claim that does not hold: GRADE_MISMATCH for grades, else CLAIM_MISMATCH."""
    return [_finding(doc, c) for c in claims if not c.consistent]


def _finding(doc: Document, claim: ClaimRow) -> FindingRow:
    code = "GRADE_MISMATCH" if claim.kind == "grade" else "CLAIM_MISMATCH"
    if claim.kind == "grade":
        stated, recomputed, delta = _grade_values(claim)
        zh = (
            f"文字陈述等级不符：得分{fmt(claim.stated or 0)}分应为“{recomputed}”，"
            f"陈述为“{stated}”。"
        )
        en = (
            f"Narrative grade does not match the score: {fmt(claim.stated or 0)} points is "
            f"grade '{recomputed}', the text says '{stated}'."
        )
    else:
        stated, recomputed, delta = _number_values(claim)
        zh = (
            f"文字陈述数据不符（{KIND_ZH[claim.kind]}）：“{claim.subject}”陈述为{stated}，"
            f"复核为{recomputed}（{claim.detail}），差异{fmt(delta or 0)}，"
            f"容差{fmt(claim.tolerance)}。"
        )
        en = (
            f"Narrative claim does not hold ({claim.kind}): '{claim.subject}' is stated as "
            f"{stated}, recomputed {recomputed} ({claim.detail}); difference {fmt(delta or 0)}, "
            f"tolerance {fmt(claim.tolerance)}."
        )
    place = Place(doc.doc_id, doc.path, page=claim.page, line=claim.line)
    return finding_at(
        place, ids.finding_id(claim.claim_id, code), code, (zh, en), (stated, recomputed, delta)
    )


def _number_values(claim: ClaimRow) -> tuple[str, str, float | None]:
    suffix = "%" if claim.kind in PERCENT_KINDS else ""
    stated = "" if claim.stated is None else fmt(claim.stated) + suffix
    recomputed = "" if claim.recomputed is None else fmt(claim.recomputed) + suffix
    delta = None
    if claim.stated is not None and claim.recomputed is not None:
        delta = round(claim.stated - claim.recomputed, 6)
    return stated, recomputed, delta


def _grade_values(claim: ClaimRow) -> tuple[str, str, None]:
    return claim.subject or "", grade_band(claim.detail), None
