"""Checks on single indicator rows: score against the rules, unreadable values, units,
and rows printed twice."""

from __future__ import annotations

import json
from collections.abc import Iterator

from pipeline.extract.values import parse_value
from schemas.place import Where, finding, fmt
from schemas.profile import Profile
from schemas.tables import FindingRow, IndicatorRow
from schemas.vocab import ScoreRule

_REVERSE_RULES: frozenset[ScoreRule] = frozenset(
    {"reverse", "equal_cost_reverse", "equal_zero_reverse"}
)


def check_rows(where: Where, rows: list[IndicatorRow], profile: Profile) -> Iterator[FindingRow]:
    by_id = {r.indicator_id: r for r in rows}
    for row in rows:
        yield from _row_findings(where, row, profile)
        if row.duplicate_of is not None:
            yield _duplicate(where, row, by_id[row.duplicate_of])


def _printed(row: IndicatorRow) -> dict[str, str]:
    """The cells whose look-alikes were repaired when the row was read, as printed."""
    cells = json.loads(row.extra_cells) if row.extra_cells else {}
    return {k: v for k, v in cells.items() if k.endswith("_printed")}


def _row_findings(where: Where, row: IndicatorRow, profile: Profile) -> Iterator[FindingRow]:
    tol = profile.rounding.row_tolerance + 1e-9
    name = row.level3
    ocr = row.ocr_confidence is not None
    printed = _printed(row)
    for field in ("target", "actual"):
        raw = getattr(row, f"{field}_raw")
        repaired = parse_value(raw, ocr=ocr, target=field == "target").repaired if raw else None
        if f"{field}_printed" in printed:  # text OCR'd before it reached us, repaired on reading
            raw, repaired = printed[f"{field}_printed"], raw
        if repaired:
            yield finding(
                where,
                "OCR_REPAIRED",
                (
                    f"{name}：OCR识别为“{raw}”，按“{repaired}”读取",
                    f"{name}: OCR read {field} {raw!r}, taken as {repaired!r}",
                ),
                row,
                (raw, repaired),
                field,
            )
        if raw and row.score_rule == "unscorable" and _unparsed(raw, ocr):
            yield finding(
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
    for field in ("level3", "weight", "score"):  # repaired when the row was read
        if f"{field}_printed" in printed:
            shown = printed[f"{field}_printed"]
            value = row.weight if field == "weight" else row.score_stated
            taken = row.level3 if field == "level3" else fmt(value)
            yield finding(
                where,
                "OCR_REPAIRED",
                (
                    f"{name}：OCR识别为“{shown}”，按“{taken}”读取",
                    f"{name}: OCR read {field} {shown!r}, taken as {taken!r}",
                ),
                row,
                (shown, taken),
                field,
            )
    if row.score_rule == "unit_mismatch":
        yield finding(
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
        yield finding(
            where,
            "SCORE_EXCEEDS_WEIGHT",
            (
                f"{name}：得分{fmt(stated)}超过分值{fmt(row.weight)}",
                f"{name}: printed score {fmt(stated)} exceeds the weight {fmt(row.weight)}",
            ),
            row,
            (stated, row.score_recomputed),
        )
    elif low - tol <= stated <= high + tol or row.score_rule == "coefficient":
        return  # a coefficient row's arithmetic is COEFFICIENT_MISMATCH (family checks)
    elif row.score_rule in _REVERSE_RULES and _close(stated, _as_positive(row), tol):
        yield _reverse_as_positive(where, row)
    else:
        yield finding(
            where,
            "SCORE_MISMATCH",
            (
                f"{name}：指标值{row.target_raw}，实际{row.actual_raw}，按规则({row.score_rule})"
                f"应得{_band(low, high)}，填报{fmt(stated)}",
                f"{name}: target {row.target_raw}, actual {row.actual_raw} → "
                f"{_band(low, high)} by rule {row.score_rule}, printed {fmt(stated)}",
            ),
            row,
            (stated, row.score_recomputed),
        )


def _reverse_as_positive(where: Where, row: IndicatorRow) -> FindingRow:
    name, stated, full = row.level3, row.score_stated, row.score_max
    met = row.score_max == row.weight
    zh_state = "已达成，应得满分" if met else "超出上限，应得"
    en_state = "achieved" if met else "exceeded"
    return finding(
        where,
        "REVERSE_SCORED_AS_POSITIVE",
        (
            f"{name}：目标{row.target_raw}，实际{row.actual_raw}，{zh_state}{fmt(full)}，"
            f"填报{fmt(stated)}（按实际/目标正向计分）",
            f"{name}: {row.target_raw} {en_state} ({row.actual_raw}) → {'full ' if met else ''}"
            f"{fmt(full)}, printed {fmt(stated)} (scored as actual/target)",
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
    return fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"


def _unparsed(raw: str, ocr: bool) -> bool:
    return parse_value(raw, ocr=ocr).status == "unparsed"


def _duplicate(where: Where, row: IndicatorRow, first: IndicatorRow) -> FindingRow:
    differ = [
        (zh, en, a, b)
        for zh, en, a, b in (
            ("实际", "actual", first.actual_raw, row.actual_raw),
            ("分值", "weight", fmt(first.weight), fmt(row.weight)),
            ("得分", "score", fmt(first.score_stated), fmt(row.score_stated)),
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
    return finding(
        where,
        code,
        (f"{row.level3}：{zh}（首次见第{first.seq}行）", f"{row.level3}: {en} (row {first.seq})"),
        row,
        (row.score_stated, first.score_stated),
    )
