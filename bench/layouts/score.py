"""Compare what ziping emitted for one generated table with the table's truth.

Fields are compared the way bench/realworld_eval.py compares them: after NFKC and removing
whitespace; numbers as numbers (8 = 8.0 = 8.00, `20%` = 20); level labels as the bare label
plus the weight printed in it (`产出指标(50分)` = 产出指标 with level1_weight 50); a ★ core
marker, a `(≥**人)` placeholder and a `其中：` prefix are not part of a name. An emitted row
is paired with the truth row of the same indicator name; then it is

- exact: every field equal;
- wrong: it pairs with no truth row, or a field holds a value that differs from the printed
  one (including a value where the cell is blank);
- blank: no field wrong, but a printed value left out (a lost weight, a score not read);

and a truth row no emitted row pairs with is missing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import regex

from bench.layouts.damage import undo_mirror
from bench.layouts.model import Budget, TruthRow
from schemas.tables import EvalTableRow, FindingRow, IndicatorRow

FIELDS = ("level1", "level2", "level3", "target", "actual", "weight", "score")
LABEL_WEIGHT = regex.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
UNPARSED = ("ROW_UNPARSED", "TABLE_UNPARSED")
SCORE_FLAGS = ("SCORE_MISMATCH", "TOTAL_ARITHMETIC", "TOTAL_MISMATCH", "EXEC_SCORE_MISMATCH")


def norm(value: Any) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split())


def number(value: Any) -> str:
    """`8`, `8.0`, `8.00`, `8分`, `8%` compare equal; non-numbers compare as text."""
    text = norm(value).replace(",", "")
    bare = text.removesuffix("分").removesuffix("%")
    try:
        return f"{float(bare):g}"
    except ValueError:
        return text


PLACEHOLDER = regex.compile(r"\([^()]*\*\*[^()]*\)")  # `(≥**人)` left by the form template
SUB_ROW = regex.compile(r"^其中[:]?")


def label(value: Any) -> tuple[str, str]:
    """A level label as (bare label, weight printed in it or ""). A ★ core marker, a
    `(≥**人)` placeholder and a leading `其中：` are not part of the name: a reader may keep or
    drop them."""
    text = SUB_ROW.sub("", PLACEHOLDER.sub("", norm(value).replace("★", "")))
    found = LABEL_WEIGHT.search(text)
    if not found:
        return text, ""
    return text[: found.start()], f"{float(found.group(1)):g}"


def truth_fields(row: TruthRow) -> dict[str, str]:
    bare1, weight1 = label(row.level1)
    return {
        "level1": bare1 + (f"|{weight1}" if weight1 else ""),
        "level2": label(row.level2)[0],
        "level3": label(row.level3)[0],
        "target": norm(row.target),
        "actual": norm(row.actual),
        "weight": number(row.weight),
        "score": number(row.score),
    }


def our_fields(row: IndicatorRow) -> dict[str, str]:
    """The row as ziping emitted it; mirror-site damage (traditional characters, pinyin notes)
    is undone, so a reader may report a field raw or normalised."""

    def clean(value: str | None) -> str | None:
        return undo_mirror(value) if value else value

    bare1, weight1 = label(clean(row.level1))
    if row.level1_weight is not None:
        weight1 = f"{row.level1_weight:g}"
    return {
        "level1": bare1 + (f"|{weight1}" if weight1 else ""),
        "level2": label(clean(row.level2))[0],
        "level3": label(clean(row.level3))[0],
        "target": norm(clean(row.target_raw)),
        "actual": norm(clean(row.actual_raw)),
        "weight": number(row.weight_raw),
        "score": number(row.score_raw),
    }


@dataclass
class Verdict:
    """One emitted row against its truth (None: it pairs with no truth row)."""

    kind: str  # exact | wrong | blank
    ours: dict[str, str]
    truth: dict[str, str] | None
    fields: list[str]  # the fields that differ


@dataclass
class TableScore:
    truth_rows: int = 0
    exact: int = 0
    wrong: int = 0
    blank: int = 0
    missing: int = 0
    unparsed: int = 0
    budget: str = "-"  # ok | DIFF | miss | -
    total: str = "-"
    flags: int = 0  # score findings raised on a table whose printed scores are right
    verdicts: list[Verdict] = field(default_factory=list)


def judge(ours: dict[str, str], truth: dict[str, str] | None) -> Verdict:
    if truth is None:
        return Verdict("wrong", ours, None, ["level3"])
    differ = [f for f in FIELDS if ours[f] != truth[f]]
    wrong = [f for f in differ if ours[f] and not _lost_label_weight(f, ours[f], truth[f])]
    kind = "wrong" if wrong else "blank" if differ else "exact"
    return Verdict(kind, ours, truth, differ)


def _lost_label_weight(name: str, ours: str, truth: str) -> bool:
    """A level-1 label read without the weight printed in it is a lost value, not a wrong one."""
    return name == "level1" and "|" in truth and ours == truth.split("|", maxsplit=1)[0]


def score_table(
    truth: list[TruthRow],
    budget: Budget | None,
    total: str | None,
    rows: Iterable[IndicatorRow],
    tables: list[EvalTableRow],
    findings: list[FindingRow],
) -> TableScore:
    expected = [truth_fields(r) for r in truth]
    by_name: dict[str, list[int]] = {}
    for k, t in enumerate(expected):
        by_name.setdefault(t["level3"], []).append(k)
    used: set[int] = set()
    result = TableScore(truth_rows=len(expected))
    for row in rows:
        ours = our_fields(row)
        free = [k for k in by_name.get(ours["level3"], []) if k not in used]
        verdict = judge(ours, expected[free[0]] if free else None)
        if free:
            used.add(free[0])
        elif verdict.truth is None:
            verdict.truth = _nearest(ours, expected)
        result.verdicts.append(verdict)
        setattr(result, verdict.kind, getattr(result, verdict.kind) + 1)
    result.missing = len(expected) - len(used)
    result.unparsed = sum(1 for f in findings if f.code in UNPARSED)
    result.flags = sum(1 for f in findings if f.code in SCORE_FLAGS)
    result.budget = _budget(budget, tables)
    result.total = _total(total, tables)
    return result


def _nearest(ours: dict[str, str], expected: list[dict[str, str]]) -> dict[str, str] | None:
    """For the report only: the truth row an unpaired emitted row was most likely read from."""
    name = ours["level3"]
    for t in expected:
        if name and (t["level3"] in name or name in t["level3"]):
            return t
    return None


def _amount(value: Any) -> float | None:
    text = norm(value).replace(",", "").rstrip("万元%")
    try:
        return float(text)
    except ValueError:
        return None


def _budget(budget: Budget | None, tables: list[EvalTableRow]) -> str:
    if budget is None:
        return "-"
    read = [t for t in tables if t.budget_full_year is not None]
    if not read:
        return "miss"
    table = read[0]
    pairs = ((budget.full_year, table.budget_full_year), (budget.executed, table.budget_executed))
    same = all(_close(_amount(a), b) for a, b in pairs)
    return "ok" if same else "DIFF"


def _total(total: str | None, tables: list[EvalTableRow]) -> str:
    if total is None:
        return "-"
    stated = [t.total_stated for t in tables if t.total_stated is not None]
    if not stated:
        return "miss"
    return "ok" if _close(_amount(total), stated[0]) else "DIFF"


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) < 0.005
