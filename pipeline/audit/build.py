"""Turn located tables (raw strings) into output rows, and re-score rows under a profile.

`build_table` reads values once, at ingest. `rescore` recomputes every score-related column
from the stored raw columns alone, so `ziping rescore` can compare profiles without
re-parsing any file.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline.audit.families import (
    checked_option,
    counts_in_total,
    level_weight_sum,
    rescore_family,
    target_in_name,
)
from pipeline.audit.ocr_notes import is_ocr, ocr_cap, ocr_confidence
from pipeline.audit.scoring import (
    Scored,
    exec_score,
    is_not_applicable,
    not_applicable,
    recomputed,
    round_score,
    score_row,
)
from pipeline.extract.concepts import concept_of
from pipeline.extract.located import LocatedTable, RawIndicator, Text
from pipeline.extract.values import UNITS, Value, parse_number, parse_value, weight_in_label
from schemas.families import family_rules
from schemas.ids import indicator_id, table_id
from schemas.profile import Profile
from schemas.tables import EvalTableRow, IndicatorRow


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _d(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value))


def _text(t: Text | None) -> str | None:
    return t.text if t is not None else None


def build_table(
    doc_id: str, seq: int, located: LocatedTable, profile: Profile
) -> tuple[EvalTableRow, list[IndicatorRow]]:
    tid = table_id(doc_id, seq)
    rows = [_indicator(doc_id, tid, i, raw) for i, raw in enumerate(located.indicators, start=1)]
    return rescore(_table(doc_id, tid, seq, located, profile), rows, profile)


def _indicator(doc_id: str, tid: str, seq: int, raw: RawIndicator) -> IndicatorRow:
    level1, level1_weight = weight_in_label(raw.level1.text) if raw.level1 else (None, None)
    target = parse_value(_text(raw.target), ocr=is_ocr(raw.target), target=True)
    actual = parse_value(_text(raw.actual), ocr=is_ocr(raw.actual))
    weight = parse_number(_text(raw.weight))
    if raw.weight is None and raw.weight_source == "level":
        weight = level1_weight  # 湖北: the only row of `效益指标(20分)` weighs 20, unprinted
    score = parse_number(_text(raw.score))
    name = _text(raw.level3) or ""
    level2 = _text(raw.level2)
    return IndicatorRow(
        indicator_id=indicator_id(tid, seq),
        table_id=tid,
        doc_id=doc_id,
        seq=seq,
        level1=level1,
        level1_weight=_f(level1_weight),
        level2=level2,
        level3=name,
        indicator_concept=concept_of(name, level2, target.status == "qual"),
        target_raw=_text(raw.target),
        target_op=target.op,
        target_op_inferred=False,
        target_value=_f(target.value) if target.is_number else None,
        target_unit=target.unit,
        target_base=_f(target.base) if target.is_number else None,
        target_base_unit=target.base_unit,
        actual_raw=_text(raw.actual),
        actual_op=actual.op,
        actual_value=_f(actual.value) if actual.is_number else None,
        actual_unit=actual.unit,
        actual_base=_f(actual.base) if actual.is_number else None,
        actual_base_unit=actual.base_unit,
        weight_raw=_text(raw.weight),
        weight=_f(weight),
        score_raw=_text(raw.score),
        score_stated=_f(score),
        score_min=None,
        score_max=None,
        score_recomputed=None,
        score_rule=None,
        duplicate_of=None,
        parse_confidence=1.0,
        basis=_text(raw.basis),
        reason=_text(raw.reason),
        page=raw.page,
        line=raw.line,
        **_roles_columns(tid, raw),
        where=raw.where,
        bbox=raw.bbox,
        ocr_confidence=ocr_confidence(raw),
    )


def _roles_columns(tid: str, raw: RawIndicator) -> dict[str, Any]:
    """The columns the role model adds: row kind and parent, extra cells by role."""
    extra = raw.extra
    review = extra.get("score_review")
    return {
        "read_confidence": raw.confidence,
        "row_kind": raw.kind,
        "parent_id": indicator_id(tid, raw.parent + 1) if raw.parent is not None else None,
        "weight_source": raw.weight_source,
        "description": _text(extra.get("description")),
        "rule_text": _text(extra.get("rule_text")),
        "score_review_raw": _text(review),
        "score_review": _f(parse_number(_text(review))),
        "extra_cells": _extra_cells(raw),
    }


def _extra_cells(raw: RawIndicator) -> str | None:
    """The extra cells by role, and the text as printed of every cell whose OCR look-alikes
    were repaired (`target_printed`: `工850项` for ≥850项)."""
    cells: dict[str, str] = {k: v.text for k, v in raw.extra.items()}
    main = {"level3": raw.level3, "target": raw.target, "actual": raw.actual}
    main |= {"weight": raw.weight, "score": raw.score}
    for role, cell in [*main.items(), *raw.extra.items()]:
        if cell is not None and cell.printed is not None:
            cells[f"{role}_printed"] = cell.printed
    return json.dumps(cells, ensure_ascii=False) if cells else None


def _table(
    doc_id: str, tid: str, seq: int, located: LocatedTable, profile: Profile
) -> EvalTableRow:
    budget = located.budget
    unit = located.budget_unit
    initial, full_year, executed = (
        (
            parse_number(budget.initial),
            parse_number(budget.full_year),
            parse_number(budget.executed),
        )
        if budget
        else (None, None, None)
    )
    fields = located.fields
    return EvalTableRow(
        table_id=tid,
        doc_id=doc_id,
        seq=seq,
        kind=located.kind,
        title=located.title.text,
        year=located.year,
        project_name=_text(fields.get("project_name")),
        department=_text(fields.get("department")),
        implementer=_text(fields.get("implementer")),
        budget_initial=_f(initial),
        budget_full_year=_f(full_year),
        budget_executed=_f(executed),
        budget_unit=unit,
        budget_initial_yuan=_yuan(initial, unit),
        budget_full_year_yuan=_yuan(full_year, unit),
        budget_executed_yuan=_yuan(executed, unit),
        exec_weight=_f(parse_number(budget.weight)) if budget else None,
        exec_rate_stated=_f(_rate(budget.rate)) if budget else None,
        exec_rate_recomputed=None,
        exec_score_stated=_f(parse_number(budget.score)) if budget else None,
        exec_score_recomputed=None,
        total_stated=_f(parse_number(located.total_score)),
        total_recomputed=None,
        weight_sum=None,
        grade_stated=located.grade,
        grade_recomputed=None,
        goal_expected=located.goal_expected,
        goal_actual=located.goal_actual,
        n_indicators=len(located.indicators),
        profile=profile.name,
        page=located.title.page,
        line=located.title.line,
        where=located.title.where,
        budget_parts_initial=_parts_sum(located, "initial"),
        budget_parts_full_year=_parts_sum(located, "full_year"),
        budget_parts_executed=_parts_sum(located, "executed"),
        form_family=located.form_family,
        read_by=located.read_by,
        scoring=family_rules(located.form_family).scoring,
        total_review=_f(parse_number(located.total_review)),
        rows_unread=len(located.unparsed),
    )


def _parts_sum(located: LocatedTable, column: str) -> float | None:
    """Sum of the 其中 rows' amounts in `column`; None when no part prints one."""
    amounts = [parse_number(getattr(part, column)) for part in located.budget_parts]
    present = [a for a in amounts if a is not None]
    return _f(sum(present, Decimal(0))) if present else None


def _yuan(value: Decimal | None, unit: str | None) -> Decimal | None:
    if value is None or unit not in UNITS or UNITS[unit][0] != "元":
        return None
    exact = value * UNITS[unit][1]
    try:
        return exact.quantize(Decimal("0.0001"))
    except InvalidOperation:  # beyond decimal precision: the batch's safety net reports it
        return exact


def _rate(raw: str) -> Decimal | None:
    """A printed execution rate as a fraction: `99.63%` and `99.63` -> 0.9963; `0.99` stays."""
    value = parse_value(raw)
    if not value.is_number or value.value is None:
        return None
    if value.unit == "%" or value.value > Decimal("1.5"):
        return value.value / 100
    return value.value


def rescore(
    table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> tuple[EvalTableRow, list[IndicatorRow]]:
    """Recompute every score column of `table` and its rows from their printed columns.

    Reads nothing it writes, so rescoring stored rows under another profile gives what
    ingesting the file under that profile gives. A table whose rows print no weight at all
    is not re-scored (totals stay null); a budget row printing the table weight (100) holds
    the printed total; 不适用 rows a profile drops leave a total rescaled to 100.
    """
    rows = rescore_family(table, _mark_duplicates([_score(row, profile) for row in rows]), profile)
    counted = [r for r in rows if r.duplicate_of is None and counts_in_total(r)]
    carries_total = _carries_total(table, profile)
    exec_weight = None if carries_total else _d(table.exec_weight)
    rate, score = exec_score(exec_weight, *_budget_amounts(table), profile)
    dropped = [r for r in counted if r.score_rule == "not_applicable_dropped"]
    kept = [r for r in counted if r.score_rule != "not_applicable_dropped"]
    total, weights = None, None
    if not rows or any(r.weight is not None for r in rows):
        total = (
            None
            if table.rows_unread or _incomplete(exec_weight, score, kept)
            else _sum([score] + [_d(r.score_recomputed) for r in kept])
        )
        weights = _sum([exec_weight] + [_d(r.weight) for r in counted])
        base = _sum([exec_weight] + [_d(r.weight) for r in kept])
        if dropped and total is not None and base:
            total = total * 100 / base
    if table.form_family == "no_weight" and any(r.weight is None for r in counted):
        # 湖北: a level's points are shared among its rows in a way not printed
        levels = level_weight_sum(counted)
        total, weights = None, None if levels is None else _sum([exec_weight, levels])
    table = dataclasses.replace(
        table,
        profile=profile.name,
        exec_rate_recomputed=_f(rate),
        exec_score_recomputed=_f(score),
        total_stated=(
            table.exec_score_stated
            if carries_total and table.total_stated is None
            else table.total_stated
        ),
        total_recomputed=_f(round_score(total, profile)) if total is not None else None,
        weight_sum=_f(weights),
        grade_recomputed=profile.grade_of(float(total)) if total is not None else None,
        budget_carries_total=carries_total,
        weight_dropped=_f(_sum([_d(r.weight) for r in dropped])),
    )
    return table, rows


def _incomplete(
    exec_weight: Decimal | None, exec_score: Decimal | None, rows: list[IndicatorRow]
) -> bool:
    """A weighted part could not be re-scored (no actual printed, budget amounts missing):
    a total without it would look complete and be wrong, so there is none."""
    if exec_weight is not None and exec_score is None:
        return True
    return any(r.weight is not None and r.score_recomputed is None for r in rows)


def _carries_total(table: EvalTableRow, profile: Profile) -> bool:
    """The budget row's 分值 is the whole table's (100): its 得分 is the table total."""
    weight = table.exec_weight
    return weight is not None and weight >= profile.table_weight - profile.rounding.row_tolerance


def _budget_amounts(table: EvalTableRow) -> tuple[Decimal | None, Decimal | None]:
    """(executed, full year) of the 年度资金总额 row; its 其中 rows when it prints zeros."""
    full_year, executed = _d(table.budget_full_year), _d(table.budget_executed)
    if not full_year and table.budget_parts_full_year:
        return _d(table.budget_parts_executed), _d(table.budget_parts_full_year)
    return executed, full_year


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def is_cost(row: IndicatorRow, profile: Profile) -> bool:
    """More of it is worse: a cost label or a cost-named indicator not measured in %.

    The execution rate printed as an indicator (预算执行率) is a rate under any label."""
    name = "".join(row.level3.split())
    if any(rate in name for rate in profile.rate_indicators):
        return False
    if (row.level2 or "").strip() in profile.cost_level2:
        return True
    return row.indicator_concept == "cost" and row.target_unit != "%"


def _score(row: IndicatorRow, profile: Profile) -> IndicatorRow:
    in_name = target_in_name(row)
    ocr = row.ocr_confidence is not None  # look-alikes repaired only in what a scan gave
    target = parse_value(row.target_raw or in_name, ocr=ocr, target=True)
    actual = parse_value(checked_option(row.actual_raw), ocr=ocr)
    weight = _d(row.weight)
    if is_not_applicable((row.target_raw, row.actual_raw, row.score_raw), profile):
        scored = not_applicable(weight, profile)
    else:
        scored = score_row(target, actual, weight, is_cost(row, profile), profile)
    stated = _d(row.score_stated)
    return dataclasses.replace(
        row,
        target_op=scored.op or target.op,
        target_op_inferred=scored.op_inferred,
        score_min=_f(scored.low),
        score_max=_f(scored.high),
        score_recomputed=_f(recomputed(scored, stated)),
        score_rule=scored.rule,
        parse_confidence=min(
            row.read_confidence if row.read_confidence is not None else 1.0,
            _confidence(row, target, actual, scored),
            0.8 if in_name and not row.target_raw else 1.0,  # the target was read from the name
        ),
    )


def _confidence(row: IndicatorRow, target: Value, actual: Value, scored: Scored) -> float:
    """1.0 when every part was read as printed; each guess lowers it."""
    confidence = 1.0
    if not row.level3:
        confidence = min(confidence, 0.5)
    if "unparsed" in (target.status, actual.status) or scored.rule == "qual_unknown":
        confidence = min(confidence, 0.5)
    if scored.op_inferred:
        confidence = min(confidence, 0.8)
    if target.is_number and actual.is_number and target.unit and not actual.unit:
        confidence = min(confidence, 0.9)
    return min(confidence, ocr_cap(row, target, actual))


def duplicate_key(row: IndicatorRow) -> tuple[str, ...]:
    """Rows that name the same indicator with the same target are one indicator printed twice."""
    return tuple(
        "".join((s or "").split()) for s in (row.level1, row.level2, row.level3, row.target_raw)
    )


def _mark_duplicates(rows: list[IndicatorRow]) -> list[IndicatorRow]:
    first: dict[tuple[str, ...], str] = {}
    out = []
    for row in rows:
        key = duplicate_key(row)
        original = first.setdefault(key, row.indicator_id)
        dup = original if original != row.indicator_id and row.level3 else None
        out.append(dataclasses.replace(row, duplicate_of=dup))
    return out
