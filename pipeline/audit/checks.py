"""Compare what was printed with what the rules give; every disagreement is a `FindingRow`.

Checks read only stored rows (plus the profile), so the same code serves ingest and
`ziping rescore`. Messages name the values in Chinese and English.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from pipeline.audit.checks_rows import check_rows
from pipeline.audit.families import counts_in_total
from pipeline.audit.family_checks import check_family
from pipeline.audit.ocr_notes import noted
from pipeline.extract import headers
from schemas import Document, ids
from schemas.place import Place, Where, finding, finding_at, fmt
from schemas.profile import Profile
from schemas.tables import EvalTableRow, FindingRow, IndicatorRow
from schemas.vocab import ScoreRule

_DROPPED: ScoreRule = "not_applicable_dropped"
_EMPTY_SCORE = {"", "/", "／", "-", "—", "——", "－"}

_LOW_CONFIDENCE = 0.8


def check_table(
    where: Where, table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    confidence = {r.indicator_id: r.parse_confidence for r in rows}
    for found in noted(_checks(where, table, rows, profile), rows):
        yield _with_confidence(found, confidence.get(found.indicator_id or ""))


def _checks(
    where: Where, table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    yield from _placeholders(where, table)
    yield from _budget(where, table, profile)
    yield from _budget_parts(where, table)
    yield from _totals(where, table, rows, profile)
    yield from _weights(where, table, rows, profile)
    yield from check_rows(where, rows, profile)
    yield from check_family(where, table, rows, profile)


def _with_confidence(found: FindingRow, confidence: float | None) -> FindingRow:
    """A finding on a row read with low confidence says so: the row may be misread."""
    if confidence is None or confidence >= _LOW_CONFIDENCE:
        return found
    return dataclasses.replace(
        found,
        message=f"{found.message}（该行读取置信度{confidence:.1f}，请核对原表）",
        message_en=f"{found.message_en} (row read with confidence {confidence:.1f}: "
        "check the printed table)",
    )


def _placeholders(where: Where, table: EvalTableRow) -> Iterator[FindingRow]:
    labels = (("project_name", "项目名称"), ("department", "主管部门"), ("implementer", "实施单位"))
    for field, label in labels:
        value = getattr(table, field)
        if value and headers.field_of_label(value) is not None:
            yield finding(
                where,
                "PLACEHOLDER_FIELD",
                (
                    f"{label}未填写：填报内容为“{value}”",
                    f"{label} ({field}) printed as {value!r}",
                ),
                table,
                (value, None),
                field,
            )


def _printed_half_unit(value: float) -> float:
    """Half the last printed digit of `value`: 89.7 was rounded to 0.1, so ±0.05 (+ε)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0**-decimals + 1e-9


def _budget(where: Where, table: EvalTableRow, profile: Profile) -> Iterator[FindingRow]:
    tol = profile.rounding.row_tolerance + 1e-9
    stated_rate, rate = table.exec_rate_stated, table.exec_rate_recomputed
    if (
        stated_rate is not None
        and rate is not None
        and abs(stated_rate * 100 - rate * 100) > max(tol, _printed_half_unit(stated_rate * 100))
    ):
        yield finding(
            where,
            "EXEC_RATE_MISMATCH",
            (
                f"执行率填报{stated_rate * 100:.2f}%，全年执行数/全年预算数为{rate * 100:.2f}%",
                f"execution rate printed {stated_rate * 100:.2f}%, executed/full-year is "
                f"{rate * 100:.2f}%",
            ),
            table,
            (stated_rate * 100, round(rate * 100, 2)),
        )
    stated, score = table.exec_score_stated, table.exec_score_recomputed
    if stated is not None and score is not None and abs(stated - score) > tol:
        yield finding(
            where,
            "EXEC_SCORE_MISMATCH",
            (
                f"预算执行得分填报{fmt(stated)}，按分值{fmt(table.exec_weight)}×执行率应为{fmt(score)}",
                f"budget score printed {fmt(stated)}, weight {fmt(table.exec_weight)} × rate gives "
                f"{fmt(score)}",
            ),
            table,
            (stated, score),
        )
    over = rate if rate is not None else stated_rate
    if over is not None and over > 1 + 1e-9:
        yield finding(
            where,
            "EXEC_RATE_OVER_100",
            (
                f"预算执行率{over * 100:.2f}%，超过100%（全年执行数大于全年预算数）",
                f"execution rate {over * 100:.2f}% exceeds 100% (executed > full-year budget)",
            ),
            table,
            (round(over * 100, 2), 100.0),
        )


_PARTS = (
    ("budget_initial", "budget_parts_initial", "年初预算数", "initial budget"),
    ("budget_full_year", "budget_parts_full_year", "全年预算数", "full-year budget"),
    ("budget_executed", "budget_parts_executed", "全年执行数", "executed"),
)


def _budget_parts(where: Where, table: EvalTableRow) -> Iterator[FindingRow]:
    """年度资金总额 against the sum of its 其中 rows, column by column (in budget_unit)."""
    differ = []
    for total_field, parts_field, zh, en in _PARTS:
        total, parts = getattr(table, total_field), getattr(table, parts_field)
        if total is not None and parts is not None and abs(total - parts) > _money_tol(total):
            differ.append((zh, en, total, parts))
    if not differ:
        return
    zeros = all(total == 0 for _, _, total, _ in differ)
    unit = table.budget_unit or ""
    yield finding(
        where,
        "BUDGET_ROWS_INCONSISTENT",
        (
            (
                "年度资金总额填报为0，但其中各项不为0："
                if zeros
                else "年度资金总额与其中各项之和不符："
            )
            + "，".join(
                f"{zh}{_money(t)}{unit}，其中各项合计{_money(p)}{unit}" for zh, _, t, p in differ
            ),
            (
                "年度资金总额 printed as zeros while its parts are not: "
                if zeros
                else "年度资金总额 ≠ sum of its 其中 rows: "
            )
            + ", ".join(f"{en} {_money(t)} vs parts {_money(p)} {unit}" for _, en, t, p in differ),
        ),
        table,
        (differ[0][2], differ[0][3]),
    )


def _money_tol(total: float) -> float:
    """Parts printed to 2 decimals may miss the total by a rounding step or two."""
    return 0.015 + abs(total) * 1e-6


def _money(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def _totals(
    where: Where, table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    counted = [
        r
        for r in rows
        if r.duplicate_of is None and r.score_rule != _DROPPED and counts_in_total(r)
    ]
    scored_budget = table.exec_weight is not None and not table.budget_carries_total
    n = len(counted) + (1 if scored_budget else 0)
    tol = profile.rounding.total(n) + 1e-9
    total = table.total_stated
    parts = [table.exec_score_stated] if scored_budget else []
    parts += [r.score_stated for r in counted]
    if table.rows_unread:
        return  # rows not read: no sum of them, printed or recomputed, says anything
    if total is not None and parts and all(p is not None for p in parts):
        printed_sum = sum(p for p in parts if p is not None)
        if table.weight_dropped and table.weight_sum and table.weight_sum > table.weight_dropped:
            printed_sum = printed_sum * 100 / (table.weight_sum - table.weight_dropped)
        printed_sum = round(printed_sum, 2)
        if abs(total - printed_sum) > tol:
            yield finding(
                where,
                "TOTAL_ARITHMETIC",
                (
                    f"总分填报{fmt(total)}，但预算执行与各指标填报得分之和为{fmt(printed_sum)}",
                    f"printed total {fmt(total)}, but printed scores add up to {fmt(printed_sum)}",
                ),
                table,
                (total, printed_sum),
            )
    recomputed = table.total_recomputed
    if total is not None and recomputed is not None and abs(total - recomputed) > tol:
        yield finding(
            where,
            "TOTAL_MISMATCH",
            (
                f"总分填报{fmt(total)}，复核为{fmt(table.total_recomputed)}",
                f"printed total {fmt(total)}, recomputed {fmt(table.total_recomputed)}",
            ),
            table,
            (total, table.total_recomputed),
        )
    if table.weight_sum is not None and rows and abs(table.weight_sum - 100) > tol:
        yield finding(
            where,
            "WEIGHT_SUM_NOT_100",
            (
                f"分值合计为{fmt(table.weight_sum)}，不等于100",
                f"weights (budget + rows) sum to {fmt(table.weight_sum)}, not 100",
            ),
            table,
            (table.weight_sum, 100.0),
        )
    grade = profile.canonical_grade(table.grade_stated) if table.grade_stated else None
    if grade is not None and table.grade_recomputed and grade != table.grade_recomputed:
        yield finding(
            where,
            "GRADE_MISMATCH",
            (
                f"等级填报“{table.grade_stated}”，复核总分{fmt(table.total_recomputed)}对应“{table.grade_recomputed}”",
                f"grade printed {table.grade_stated}, recomputed total "
                f"{fmt(table.total_recomputed)} is {table.grade_recomputed}",
            ),
            table,
            (table.grade_stated, table.grade_recomputed),
        )


def _weights(
    where: Where, table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    """Weights and scores that are missing, or do not add up to their level-1 label."""
    if rows and all(r.weight is None for r in rows):
        yield finding(
            where,
            "WEIGHTS_ABSENT",
            (
                f"自评表无分值栏：{len(rows)}个指标已提取，未复核评分",
                f"no weight column: {len(rows)} indicator rows extracted, not re-scored",
            ),
            table,
        )
        return
    if not table.rows_unread:  # a level with a row not read weighs less than it does
        yield from _level1_weights(where, rows, profile)
    yield from _missing_scores(where, table, rows)


def _level1_weights(
    where: Where, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    """Rows under `产出指标(50分)` should weigh 50 together (duplicates once)."""
    groups: dict[tuple[str, float], list[IndicatorRow]] = {}
    for row in rows:
        counted = row.duplicate_of is None and counts_in_total(row)
        if row.level1 and row.level1_weight is not None and counted:
            groups.setdefault((row.level1, row.level1_weight), []).append(row)
    for (label, printed), members in groups.items():
        weights = [r.weight for r in members if r.weight is not None]
        if not weights:
            continue
        total = round(sum(weights), 2)
        if abs(total - printed) > profile.rounding.total(len(weights)) + 1e-9:
            yield finding(
                where,
                "LEVEL1_WEIGHT_MISMATCH",
                (
                    f"{label}({fmt(printed)}分)下{len(weights)}个指标分值合计{fmt(total)}",
                    f"{label} is printed as worth {fmt(printed)}, its {len(weights)} rows "
                    f"weigh {fmt(total)}",
                ),
                members[0],
                (printed, total),
                "level1",
            )


def _missing_scores(
    where: Where, table: EvalTableRow, rows: list[IndicatorRow]
) -> Iterator[FindingRow]:
    """Empty 得分 cells beside a printed weight: one finding when none was filled in."""
    missing = [r for r in rows if r.weight is not None and _blank(r.score_raw)]
    budget = (
        table.exec_weight is not None
        and not table.budget_carries_total
        and table.exec_score_stated is None
        and table.budget_full_year is not None
    )
    weighted = [r for r in rows if r.weight is not None]
    if weighted and len(missing) == len(weighted):
        yield finding(
            where,
            "MISSING_SCORE",
            (
                f"得分栏未填写：{len(missing)}个指标"
                + ("及预算执行" if budget else "")
                + "均无得分",
                f"no 得分 filled in: {len(missing)} weighted rows"
                + (" and the budget block" if budget else "")
                + " have no score",
            ),
            table,
            (None, None),
            "all",
        )
        return
    if budget:
        yield finding(
            where,
            "MISSING_SCORE",
            (
                f"预算执行分值{fmt(table.exec_weight)}，得分未填写",
                f"budget execution weight {fmt(table.exec_weight)}, no score printed",
            ),
            table,
            (None, table.exec_score_recomputed),
            "budget",
        )
    for row in missing:
        yield finding(
            where,
            "MISSING_SCORE",
            (
                f"{row.level3}：分值{fmt(row.weight)}，得分未填写",
                f"{row.level3}: weight {fmt(row.weight)}, no score printed",
            ),
            row,
            (None, row.score_recomputed),
        )


def _blank(raw: str | None) -> bool:
    return raw is None or "".join(raw.split()) in _EMPTY_SCORE


def notice_findings(doc: Document) -> Iterator[FindingRow]:
    """Parser notices (an unreadable page …) as findings on the document."""
    for notice in doc.notices:
        subject = ids.notice_id(doc.doc_id, notice.page, notice.line)
        place = Place(doc.doc_id, doc.path, page=notice.page, line=notice.line)
        message = (notice.message, notice.message)
        yield finding_at(place, ids.finding_id(subject, notice.code), notice.code, message)
