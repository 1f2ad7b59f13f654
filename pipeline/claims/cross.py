"""Document-level claims: figures checked against the tables, and one amount in two units.

`预算绩效评价项目8个，全年预算数287.46万元，全年执行数283.86万元` is a statement about the
document's project tables (kind "project"); `整体支出绩效自评表1个，全年预算总额…` about its
department table. They are checked only when the tables were found: no tables, no claim.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pipeline.claims.rules import Check, Draft, draft, fmt, in_unit
from pipeline.claims.text import COUNT_UNITS, MONEY_FACTORS, Entry, Sentence, lexicon
from schemas.tables import EvalTableRow

# What a count of tables is called in the prose, by EvalTableRow.kind.
TABLE_KINDS = {"department": ("整体",), "project": ("项目",)}
BUDGET_FIELDS = {"预算": "budget_full_year", "执行": "budget_executed", "决算": "budget_executed"}
# Two mentions are read as the same amount in two units only when this close.
SAME_AMOUNT = 0.10


def cross_table_claims(
    sentences: Sequence[Sentence], tables: Sequence[EvalTableRow]
) -> list[Draft]:
    """A count of tables and the budget figures after it, against the tables of that kind."""
    out: list[Draft] = []
    for i, sentence in enumerate(sentences):
        entries = [e for e in sentence.entries if not e.delta and not e.approx]
        for n, count in enumerate(entries):
            kind = _table_kind(count)
            of_kind = [t for t in tables if t.kind == kind]
            if kind is None or not of_kind:
                continue
            out.append(_count_draft(i, count, kind, len(of_kind)))
            for entry in _following_amounts(entries[n + 1 :]):
                made = _sum_draft(i, entry, kind, of_kind)
                if made is not None:
                    out.append(made)
    return out


def _table_kind(entry: Entry) -> str | None:
    """Which tables a count like `预算绩效评价项目8个` counts, if it counts self-evaluations."""
    if entry.number.unit != "个" or "绩效" not in entry.subject:
        return None
    if any(w in entry.subject for w in lexicon()["not_self_evaluation"]):
        return None
    for kind, words in TABLE_KINDS.items():
        if any(w in entry.subject for w in words):
            return kind
    return None


def _following_amounts(entries: Sequence[Entry]) -> list[Entry]:
    """The budget figures that go with a table count, up to the next count."""
    out: list[Entry] = []
    for entry in entries:
        if entry.number.unit in COUNT_UNITS:
            break
        if entry.number.unit in MONEY_FACTORS and _field(entry) is not None:
            out.append(entry)
    return out


def _field(entry: Entry) -> str | None:
    role = entry.role or ""
    return next((f for key, f in BUDGET_FIELDS.items() if key in role), None)


def _count_draft(i: int, count: Entry, kind: str, n: int) -> Draft:
    return draft(
        "cross_table",
        (i, count.number.start),
        count.subject,
        Check(count.number.value, float(n), 0.0),
        f"文档中{'部门整体支出' if kind == 'department' else '项目支出'}绩效自评表 {n} 张",
    )


def _sum_draft(i: int, entry: Entry, kind: str, tables: Sequence[EvalTableRow]) -> Draft | None:
    field = _field(entry)
    unit = entry.number.unit
    values: list[float] = []
    for table in tables:
        value = getattr(table, field) if field else None
        if value is None or table.budget_unit not in MONEY_FACTORS:
            return None  # a table without the figure: the sum cannot be rebuilt
        values.append(value * MONEY_FACTORS[table.budget_unit] / MONEY_FACTORS[unit])
    total = sum(values)
    # the stated figure is rounded, and so may each table's figure be
    table_half = (
        min(0.005 * MONEY_FACTORS[str(t.budget_unit)] for t in tables) / MONEY_FACTORS[unit]
    )
    tolerance = entry.number.half_unit + len(values) * table_half
    label = "部门整体支出" if kind == "department" else "项目支出"
    detail = f"{len(values)} 张{label}绩效自评表 {field} 之和 = {fmt(total)}{unit}"
    return draft(
        "cross_table",
        (i, entry.number.start),
        entry.subject,
        Check(entry.number.value, round(total, 6), tolerance),
        detail,
    )


def unit_equivalence_claims(sentences: Sequence[Sentence]) -> list[Draft]:
    """`资金155.42万元` … `资金1554225.33元`: the coarse figure must be the fine one rounded."""
    money = [
        (i, e)
        for i, s in enumerate(sentences)
        for e in s.levels
        if e.number.unit in MONEY_FACTORS and e.depth == 0
    ]
    # Two subjects can only match when one ends with the other (>= 4 characters), so they
    # share their last four: bucketing by those keeps this linear on long reports.
    by_tail: dict[str, list[tuple[int, Entry]]] = defaultdict(list)
    for i, entry in money:
        if len(entry.subject) >= 4:
            by_tail[entry.subject[-4:]].append((i, entry))
    out: list[Draft] = []
    for i, coarse in money:
        for j, fine in by_tail.get(coarse.subject[-4:], ()):
            if _same_amount(coarse, fine):
                out.append(_equivalence_draft(i, coarse, j, fine, sentences))
                break
    return out


def _same_amount(coarse: Entry, fine: Entry) -> bool:
    a, b = coarse.number, fine.number
    if MONEY_FACTORS[a.unit] <= MONEY_FACTORS[b.unit] or b.base == 0:
        return False
    short, long = sorted((coarse.subject, fine.subject), key=len)
    if len(short) < 4 or not long.endswith(short):
        return False
    return abs(a.base - b.base) <= SAME_AMOUNT * abs(b.base)


def _equivalence_draft(
    i: int, coarse: Entry, j: int, fine: Entry, sentences: Sequence[Sentence]
) -> Draft:
    unit = coarse.number.unit
    recomputed = in_unit(fine, unit)
    where = f"第{sentences[j].line}行" if sentences[j].line else f"第{sentences[j].page}页"
    return draft(
        "unit_equivalence",
        (i, coarse.number.start),
        coarse.subject,
        Check(coarse.number.value, round(recomputed, 6), coarse.number.half_unit),
        f"{where} {fine.subject} {fine.number.raw} = {fmt(recomputed)}{unit}",
    )
