"""Compare what was printed with what the rules give; every disagreement is a `FindingRow`.

Checks read only stored rows (plus the profile), so the same code serves ingest and
`ziping rescore`. Messages name the values in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipeline import headers
from pipeline.values import parse_value
from schemas import Document
from schemas.findings import severity
from schemas.profile import Profile
from schemas.tables import EvalTableRow, FindingRow, IndicatorRow

_REVERSE_RULES = {"reverse", "equal_cost_reverse", "equal_zero_reverse"}
_DROPPED = "not_applicable_dropped"
_EMPTY_SCORE = {"", "/", "／", "-", "—", "——", "－"}

# Every code `check_table` can emit. These depend only on stored rows and the profile, so
# `ziping rescore` regenerates them; any other finding (parser notices, unaligned cells,
# narrative claims) came from the source file and is kept as it was.
CHECK_CODES = frozenset(
    {
        "SCORE_MISMATCH",
        "REVERSE_SCORED_AS_POSITIVE",
        "SCORE_EXCEEDS_WEIGHT",
        "TOTAL_ARITHMETIC",
        "TOTAL_MISMATCH",
        "EXEC_RATE_MISMATCH",
        "EXEC_SCORE_MISMATCH",
        "WEIGHT_SUM_NOT_100",
        "DUPLICATE_ROW",
        "DUPLICATE_ROW_CONFLICT",
        "GRADE_MISMATCH",
        "UNIT_MISMATCH",
        "UNPARSEABLE_VALUE",
        "PLACEHOLDER_FIELD",
        "LEVEL1_WEIGHT_MISMATCH",
        "BUDGET_ROWS_INCONSISTENT",
        "EXEC_RATE_OVER_100",
        "MISSING_SCORE",
        "WEIGHTS_ABSENT",
    }
)


@dataclass(frozen=True, slots=True)
class Where:
    """The file a finding is in; rows carry page and line."""

    doc_id: str
    path: str


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _finding(
    where: Where,
    code: str,
    message: tuple[str, str],
    about: EvalTableRow | IndicatorRow,
    values: tuple[float | str | None, float | str | None] = (None, None),
    field: str | None = None,
) -> FindingRow:
    """A finding about a table or a row; `values` is (printed, recomputed)."""
    stated, recomputed = values
    delta = None
    if isinstance(stated, float) and isinstance(recomputed, float):
        delta = round(stated - recomputed, 6)
    row = about if isinstance(about, IndicatorRow) else None
    subject = row.indicator_id if row else about.table_id
    return FindingRow(
        finding_id=f"{subject}.{code}" + (f".{field}" if field else ""),
        doc_id=where.doc_id,
        table_id=about.table_id,
        indicator_id=row.indicator_id if row else None,
        code=code,
        severity=severity(code),
        stated=_n(stated) if isinstance(stated, float) else stated,
        recomputed=_n(recomputed) if isinstance(recomputed, float) else recomputed,
        delta=delta,
        message=message[0],
        message_en=message[1],
        path=where.path,
        page=about.page,
        line=about.line,
    )


def check_rows(where: Where, rows: list[IndicatorRow], profile: Profile) -> Iterator[FindingRow]:
    by_id = {r.indicator_id: r for r in rows}
    for row in rows:
        yield from _row_findings(where, row, profile)
        if row.duplicate_of is not None:
            yield _duplicate(where, row, by_id[row.duplicate_of])


def _row_findings(where: Where, row: IndicatorRow, profile: Profile) -> Iterator[FindingRow]:
    tol = profile.rounding.row_tolerance + 1e-9
    name = row.level3
    for field in ("target", "actual"):
        raw = getattr(row, f"{field}_raw")
        if raw and row.score_rule == "unscorable" and _unparsed(raw):
            yield _finding(
                where,
                "UNPARSEABLE_VALUE",
                (
                    f"{name}：{'指标值' if field == 'target' else '实际完成值'}“{raw}”无法解析",
                    f"{name}: {field} value {raw!r} could not be read",
                ),
                row,
                (raw, None),
                field,
            )
    if row.score_rule == "unit_mismatch":
        yield _finding(
            where,
            "UNIT_MISMATCH",
            (
                f"{name}：指标值单位“{row.target_unit}”与实际值单位“{row.actual_unit}”不一致，未复核",
                f"{name}: target in {row.target_unit}, actual in {row.actual_unit}; not re-scored",
            ),
            row,
            (row.actual_raw, row.target_raw),
        )
    stated, low, high = row.score_stated, row.score_min, row.score_max
    if stated is None or low is None or high is None:
        return
    if row.weight is not None and stated > row.weight + tol:
        yield _finding(
            where,
            "SCORE_EXCEEDS_WEIGHT",
            (
                f"{name}：得分{_n(stated)}超过分值{_n(row.weight)}",
                f"{name}: printed score {_n(stated)} exceeds the weight {_n(row.weight)}",
            ),
            row,
            (stated, row.score_recomputed),
        )
    elif low - tol <= stated <= high + tol:
        return
    elif row.score_rule in _REVERSE_RULES and _close(stated, _as_positive(row), tol):
        yield _reverse_as_positive(where, row)
    else:
        yield _finding(
            where,
            "SCORE_MISMATCH",
            (
                f"{name}：指标值{row.target_raw}，实际{row.actual_raw}，按规则({row.score_rule})"
                f"应得{_band(low, high)}，填报{_n(stated)}",
                f"{name}: target {row.target_raw}, actual {row.actual_raw} → "
                f"{_band(low, high)} by rule {row.score_rule}, printed {_n(stated)}",
            ),
            row,
            (stated, row.score_recomputed),
        )


def _reverse_as_positive(where: Where, row: IndicatorRow) -> FindingRow:
    name, stated, full = row.level3, row.score_stated, row.score_max
    met = row.score_max == row.weight
    zh_state = "已达成，应得满分" if met else "超出上限，应得"
    en_state = "achieved" if met else "exceeded"
    return _finding(
        where,
        "REVERSE_SCORED_AS_POSITIVE",
        (
            f"{name}：目标{row.target_raw}，实际{row.actual_raw}，{zh_state}{_n(full)}，"
            f"填报{_n(stated)}（按实际/目标正向计分）",
            f"{name}: {row.target_raw} {en_state} ({row.actual_raw}) → {'full ' if met else ''}"
            f"{_n(full)}, printed {_n(stated)} (scored as actual/target)",
        ),
        row,
        (stated, row.score_recomputed),
    )


def _as_positive(row: IndicatorRow) -> float | None:
    """What a more-is-better reading gives: weight × min(1, actual / target)."""
    t, a, w = row.target_value, row.actual_value, row.weight
    if t is None or a is None or w is None or t == 0:
        return None
    if row.target_unit and row.actual_unit and row.target_base and row.actual_base:
        t, a = row.target_base, row.actual_base
    return round(w * max(0.0, min(1.0, a / t)), 2)


def _close(a: float | None, b: float | None, tol: float) -> bool:
    return a is not None and b is not None and abs(a - b) <= tol


def _band(low: float, high: float) -> str:
    return _n(low) if low == high else f"{_n(low)}–{_n(high)}"


def _unparsed(raw: str) -> bool:
    return parse_value(raw).status == "unparsed"


def _duplicate(where: Where, row: IndicatorRow, first: IndicatorRow) -> FindingRow:
    differ = [
        (zh, en, a, b)
        for zh, en, a, b in (
            ("实际", "actual", first.actual_raw, row.actual_raw),
            ("分值", "weight", _n(first.weight), _n(row.weight)),
            ("得分", "score", _n(first.score_stated), _n(row.score_stated)),
        )
        if a != b
    ]
    code = "DUPLICATE_ROW_CONFLICT" if differ else "DUPLICATE_ROW"
    zh = "重复填列" + (
        "且不一致：" + "，".join(f"{z}{a}/{b}" for z, _, a, b in differ) if differ else ""
    )
    en = "printed twice" + (
        " with different values: " + ", ".join(f"{e} {a} vs {b}" for _, e, a, b in differ)
        if differ
        else ""
    )
    return _finding(
        where,
        code,
        (f"{row.level3}：{zh}（首次见第{first.seq}行）", f"{row.level3}: {en} (row {first.seq})"),
        row,
        (row.score_stated, first.score_stated),
    )


def check_table(
    where: Where, table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    yield from _placeholders(where, table)
    yield from _budget(where, table, profile)
    yield from _budget_parts(where, table)
    yield from _totals(where, table, rows, profile)
    yield from _weights(where, table, rows, profile)
    yield from check_rows(where, rows, profile)


def _placeholders(where: Where, table: EvalTableRow) -> Iterator[FindingRow]:
    labels = (("project_name", "项目名称"), ("department", "主管部门"), ("implementer", "实施单位"))
    for field, label in labels:
        value = getattr(table, field)
        if value and headers.field_of_label(value) is not None:
            yield _finding(
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
        yield _finding(
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
        yield _finding(
            where,
            "EXEC_SCORE_MISMATCH",
            (
                f"预算执行得分填报{_n(stated)}，按分值{_n(table.exec_weight)}×执行率应为{_n(score)}",
                f"budget score printed {_n(stated)}, weight {_n(table.exec_weight)} × rate gives "
                f"{_n(score)}",
            ),
            table,
            (stated, score),
        )
    over = rate if rate is not None else stated_rate
    if over is not None and over > 1 + 1e-9:
        yield _finding(
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
    yield _finding(
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
    counted = [r for r in rows if r.duplicate_of is None and r.score_rule != _DROPPED]
    scored_budget = table.exec_weight is not None and not table.budget_carries_total
    n = len(counted) + (1 if scored_budget else 0)
    tol = profile.rounding.total(n) + 1e-9
    total = table.total_stated
    parts = [table.exec_score_stated] if scored_budget else []
    parts += [r.score_stated for r in counted]
    if total is not None and parts and all(p is not None for p in parts):
        printed_sum = sum(p for p in parts if p is not None)
        if table.weight_dropped and table.weight_sum and table.weight_sum > table.weight_dropped:
            printed_sum = printed_sum * 100 / (table.weight_sum - table.weight_dropped)
        printed_sum = round(printed_sum, 2)
        if abs(total - printed_sum) > tol:
            yield _finding(
                where,
                "TOTAL_ARITHMETIC",
                (
                    f"总分填报{_n(total)}，但预算执行与各指标填报得分之和为{_n(printed_sum)}",
                    f"printed total {_n(total)}, but printed scores add up to {_n(printed_sum)}",
                ),
                table,
                (total, printed_sum),
            )
    recomputed = table.total_recomputed
    if total is not None and recomputed is not None and abs(total - recomputed) > tol:
        yield _finding(
            where,
            "TOTAL_MISMATCH",
            (
                f"总分填报{_n(total)}，复核为{_n(table.total_recomputed)}",
                f"printed total {_n(total)}, recomputed {_n(table.total_recomputed)}",
            ),
            table,
            (total, table.total_recomputed),
        )
    if table.weight_sum is not None and rows and abs(table.weight_sum - 100) > tol:
        yield _finding(
            where,
            "WEIGHT_SUM_NOT_100",
            (
                f"分值合计为{_n(table.weight_sum)}，不等于100",
                f"weights (budget + rows) sum to {_n(table.weight_sum)}, not 100",
            ),
            table,
            (table.weight_sum, 100.0),
        )
    grade = profile.canonical_grade(table.grade_stated) if table.grade_stated else None
    if grade is not None and table.grade_recomputed and grade != table.grade_recomputed:
        yield _finding(
            where,
            "GRADE_MISMATCH",
            (
                f"等级填报“{table.grade_stated}”，复核总分{_n(table.total_recomputed)}对应“{table.grade_recomputed}”",
                f"grade printed {table.grade_stated}, recomputed total "
                f"{_n(table.total_recomputed)} is {table.grade_recomputed}",
            ),
            table,
            (table.grade_stated, table.grade_recomputed),
        )


def _weights(
    where: Where, table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    """Weights and scores that are missing, or do not add up to their level-1 label."""
    if rows and all(r.weight is None for r in rows):
        yield _finding(
            where,
            "WEIGHTS_ABSENT",
            (
                f"自评表无分值栏：{len(rows)}个指标已提取，未复核评分",
                f"no weight column: {len(rows)} indicator rows extracted, not re-scored",
            ),
            table,
        )
        return
    yield from _level1_weights(where, rows, profile)
    yield from _missing_scores(where, table, rows)


def _level1_weights(
    where: Where, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    """Rows under `产出指标(50分)` should weigh 50 together (duplicates once)."""
    groups: dict[tuple[str, float], list[IndicatorRow]] = {}
    for row in rows:
        if row.level1 and row.level1_weight is not None and row.duplicate_of is None:
            groups.setdefault((row.level1, row.level1_weight), []).append(row)
    for (label, printed), members in groups.items():
        weights = [r.weight for r in members if r.weight is not None]
        if not weights:
            continue
        total = round(sum(weights), 2)
        if abs(total - printed) > profile.rounding.total(len(weights)) + 1e-9:
            yield _finding(
                where,
                "LEVEL1_WEIGHT_MISMATCH",
                (
                    f"{label}({_n(printed)}分)下{len(weights)}个指标分值合计{_n(total)}",
                    f"{label} is printed as worth {_n(printed)}, its {len(weights)} rows "
                    f"weigh {_n(total)}",
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
        yield _finding(
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
        yield _finding(
            where,
            "MISSING_SCORE",
            (
                f"预算执行分值{_n(table.exec_weight)}，得分未填写",
                f"budget execution weight {_n(table.exec_weight)}, no score printed",
            ),
            table,
            (None, table.exec_score_recomputed),
            "budget",
        )
    for row in missing:
        yield _finding(
            where,
            "MISSING_SCORE",
            (
                f"{row.level3}：分值{_n(row.weight)}，得分未填写",
                f"{row.level3}: weight {_n(row.weight)}, no score printed",
            ),
            row,
            (None, row.score_recomputed),
        )


def _blank(raw: str | None) -> bool:
    return raw is None or "".join(raw.split()) in _EMPTY_SCORE


def notice_findings(doc: Document) -> Iterator[FindingRow]:
    """Parser notices (an unreadable page …) as findings on the document."""
    for notice in doc.notices:
        subject = f"{doc.doc_id[:12]}.p{notice.page or 0}.l{notice.line or 0}"
        yield FindingRow(
            finding_id=f"{subject}.{notice.code}",
            doc_id=doc.doc_id,
            table_id=None,
            indicator_id=None,
            code=notice.code,
            severity=severity(notice.code),
            stated=None,
            recomputed=None,
            delta=None,
            message=notice.message,
            message_en=notice.message,
            path=doc.path,
            page=notice.page,
            line=notice.line,
        )
