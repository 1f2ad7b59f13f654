"""Checks that depend on the table's family: the printed arithmetic `families.toml` declares
(河北 单项得分 × 权重占比 = 折算得分, 重庆 系数 × 权重 = 得分), 其中 parts against their parent,
rubric scores against their rule's tiers, the reviewer's score and the level rows they add up
to, weights printed in level-2
labels, level scores against the level's weight (湖北), and targets-only forms' targets."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import regex

from pipeline.audit.build import is_cost
from pipeline.audit.families import counts_in_total, extra_cells, extra_number, scoring_of
from pipeline.audit.scoring import score_row
from pipeline.extract.values import Value, parse_value, weight_in_label
from schemas.families import Arithmetic, evaluate, family_rules
from schemas.place import Where, finding, fmt
from schemas.profile import Profile
from schemas.tables import EvalTableRow, FindingRow, IndicatorRow


def check_family(
    where: Where, table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    tol = profile.rounding.row_tolerance + 1e-9
    for check in family_rules(table.form_family or "unknown").checks:
        yield from _arithmetic(where, rows, check, tol)
    yield from _parts(where, rows, tol)
    yield from _rollups(where, rows, tol)
    yield from _review(where, table, rows, profile)
    yield from _tiers(where, rows, tol)
    yield from _level2_weights(where, rows, profile)
    if table.form_family == "no_weight":
        yield from _level_scores(where, rows, profile)
    if scoring_of(table) == "targets_only":
        yield from _targets(where, rows, profile)


def _arithmetic(
    where: Where, rows: list[IndicatorRow], check: Arithmetic, tol: float
) -> Iterator[FindingRow]:
    for row in rows:
        values = {
            role: n for role in extra_cells(row) if (n := extra_number(row, role)) is not None
        }
        for role, number in (("weight", row.weight), ("score", row.score_stated)):
            if number is not None:
                values[role] = Decimal(repr(number))
        left, right = evaluate(check.left, values), evaluate(check.right, values)
        if left is None or right is None or abs(float(left) - float(right)) <= tol:
            continue
        yield finding(
            where,
            check.code,
            (
                f"{row.level3}：{check.zh}为{fmt(float(left))}，填报{fmt(float(right))}",
                f"{row.level3}: {check.en} is {fmt(float(left))}, printed {fmt(float(right))}",
            ),
            row,
            (float(right), round(float(left), 2)),
        )


def _parts(where: Where, rows: list[IndicatorRow], tol: float) -> Iterator[FindingRow]:
    """其中 rows add up to their parent, column by column, where all are numbers in one unit."""
    by_id = {r.indicator_id: r for r in rows}
    children: dict[str, list[IndicatorRow]] = {}
    for row in rows:
        if row.row_kind == "part" and row.parent_id in by_id:
            children.setdefault(row.parent_id, []).append(row)
    for parent_id, parts in children.items():
        parent = by_id[parent_id]
        for field, zh in (("target", "指标值"), ("actual", "实际完成值")):
            whole = parse_value(getattr(parent, f"{field}_raw"))
            pieces = [parse_value(getattr(p, f"{field}_raw")) for p in parts]
            total = _sum_in_unit(whole, pieces)
            if total is None or whole.base is None or abs(total - whole.base) <= Decimal(tol):
                continue
            if whole.value and whole.base:  # shown in the parent's printed unit
                total = total * whole.value / whole.base
            yield finding(
                where,
                "PARTS_SUM_MISMATCH",
                (
                    f"{parent.level3}：{zh}{whole.raw}，其中{len(parts)}项合计{_num(total)}"
                    f"{whole.unit or ''}",
                    f"{parent.level3}: {field} {whole.raw}, its {len(parts)} parts add up to "
                    f"{_num(total)} {whole.unit or ''}",
                ),
                parent,
                (whole.raw, f"{_num(total)}{whole.unit or ''}"),
                field,
            )


def _sum_in_unit(whole: Value, pieces: list[Value]) -> Decimal | None:
    if not whole.is_number or not all(p.is_number and p.base is not None for p in pieces):
        return None
    if any(p.base_unit != whole.base_unit for p in pieces):
        return None
    return sum((p.base for p in pieces if p.base is not None), Decimal(0))


def _rollups(where: Where, rows: list[IndicatorRow], tol: float) -> Iterator[FindingRow]:
    """A rubric level printed as a row: its score is the sum of its rows' scores."""
    children: dict[str, list[float]] = {}
    for row in rows:
        if row.parent_id is not None and row.score_stated is not None:
            children.setdefault(row.parent_id, []).append(row.score_stated)
    for row in rows:
        scores = children.get(row.indicator_id)
        if row.row_kind != "rollup" or row.score_stated is None or not scores:
            continue
        total = round(sum(scores), 2)
        if abs(total - row.score_stated) > tol * len(scores):
            yield finding(
                where,
                "ROLLUP_SUM_MISMATCH",
                (
                    f"{row.level3}：得分{fmt(row.score_stated)}，下级指标得分合计{fmt(total)}",
                    f"{row.level3}: score {fmt(row.score_stated)}, its rows add up to {fmt(total)}",
                ),
                row,
                (row.score_stated, total),
            )


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _review(
    where: Where, table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    """A reviewer's score beside the self score: every difference is reported."""
    tol = profile.rounding.row_tolerance + 1e-9
    for row in rows:
        own, review = row.score_stated, row.score_review
        if own is not None and review is not None and abs(own - review) > tol:
            yield finding(
                where,
                "REVIEW_SCORE_DIFFERS",
                (
                    f"{row.level3}：自评分{fmt(own)}，复核分{fmt(review)}",
                    f"{row.level3}: self score {fmt(own)}, reviewer's score {fmt(review)}",
                ),
                row,
                (own, review),
            )
    own, review = table.total_stated, table.total_review
    if own is not None and review is not None and abs(own - review) > tol:
        yield finding(
            where,
            "REVIEW_SCORE_DIFFERS",
            (
                f"总分：自评{fmt(own)}，复核{fmt(review)}",
                f"total: self {fmt(own)}, review {fmt(review)}",
            ),
            table,
            (own, review),
        )


_TIER = regex.compile(r"[计得给]\s*(\d+(?:\.\d+)?)\s*分")
_CONTINUOUS = regex.compile(r"扣|酌情|按比例|比例计|×|\*|乘以")


def rule_tiers(rule: str | None) -> list[Decimal]:
    """The scores a tiered rule can give (`≥90%,计5分;80%(含)-90%,计4分` -> [5, 4]); empty
    when the rule deducts or scales (每减少1%扣1分, 酌情扣分), which gives any score."""
    if not rule or _CONTINUOUS.search(rule):
        return []
    tiers = [Decimal(m) for m in _TIER.findall(rule)]
    return tiers if len(tiers) >= 2 else []


def _tiers(where: Where, rows: list[IndicatorRow], tol: float) -> Iterator[FindingRow]:
    for row in rows:
        tiers = rule_tiers(row.rule_text)
        stated = row.score_stated
        if not tiers or stated is None or any(abs(stated - float(t)) <= tol for t in tiers):
            continue
        shown = "、".join(_num(t) for t in tiers)
        yield finding(
            where,
            "RUBRIC_SCORE_OFF_TIER",
            (
                f"{row.level3}：得分{fmt(stated)}不在评分标准的档次（{shown}分）内",
                f"{row.level3}: score {fmt(stated)} is none of the rule's tiers ({shown})",
            ),
            row,
            (stated, None),
        )


def _level2_weights(
    where: Where, rows: list[IndicatorRow], profile: Profile
) -> Iterator[FindingRow]:
    """Rows under `项目立项(8分)` should weigh 8 together."""
    groups: dict[tuple[str | None, str], list[IndicatorRow]] = {}
    for row in rows:
        if row.level2 and row.duplicate_of is None and counts_in_total(row):
            groups.setdefault((row.level1, row.level2), []).append(row)
    for (_, label), members in groups.items():
        bare, printed = weight_in_label(label)
        weights = [r.weight for r in members if r.weight is not None]
        if printed is None or len(weights) != len(members):
            continue
        total = round(sum(weights), 2)
        if abs(total - float(printed)) > profile.rounding.total(len(weights)) + 1e-9:
            yield finding(
                where,
                "LEVEL2_WEIGHT_MISMATCH",
                (
                    f"{bare}({_num(printed)}分)下{len(weights)}个指标分值合计{fmt(total)}",
                    f"{bare} is printed as worth {_num(printed)}, its rows weigh {fmt(total)}",
                ),
                members[0],
                (float(printed), total),
                "level2",
            )


def _level_scores(where: Where, rows: list[IndicatorRow], profile: Profile) -> Iterator[FindingRow]:
    """No weight column: a level's scores cannot add up to more than its printed weight."""
    groups: dict[tuple[str, float], list[IndicatorRow]] = {}
    for row in rows:
        if row.level1 and row.level1_weight is not None and counts_in_total(row):
            groups.setdefault((row.level1, row.level1_weight), []).append(row)
    for (label, weight), members in groups.items():
        scores = [r.score_stated for r in members if r.score_stated is not None]
        total = round(sum(scores), 2)
        if scores and total > weight + profile.rounding.total(len(scores)) + 1e-9:
            yield finding(
                where,
                "LEVEL_SCORE_EXCEEDS_WEIGHT",
                (
                    f"{label}({fmt(weight)}分)下各指标得分合计{fmt(total)}，超过该级分值",
                    f"{label} is worth {fmt(weight)}, its rows score {fmt(total)}",
                ),
                members[0],
                (total, weight),
                "level1",
            )


def _targets(where: Where, rows: list[IndicatorRow], profile: Profile) -> Iterator[FindingRow]:
    """Targets-only forms: each row's actual against its target, by the profile's rules
    (a share of 1 point: below 1 means the target was missed). Nothing is scored."""
    for row in rows:
        target, actual = parse_value(row.target_raw), parse_value(row.actual_raw)
        if not (target.is_number and actual.is_number):
            continue
        scored = score_row(target, actual, Decimal(1), is_cost(row, profile), profile)
        if scored.high is None or scored.high >= 1:
            continue
        yield finding(
            where,
            "TARGET_NOT_MET",
            (
                f"{row.level3}：指标值{row.target_raw}，实际完成{row.actual_raw}，未达成（本表不计分）",
                f"{row.level3}: target {row.target_raw}, actual {row.actual_raw}: not met "
                "(the form scores nothing)",
            ),
            row,
            (row.actual_raw, row.target_raw),
        )
