"""Re-scoring by family (`schemas/profiles/families.toml`): what the profile's rules give a
row is replaced where the family scores differently or not at all.

- targets_only: nothing is scored; rows keep their target and actual only.
- rubric: the weight is the label's `(4分)`; a printed score inside [0, weight] stands (the
  rule text is checked for its tiers in `family_checks`, not turned into a formula).
- coefficient: the score is 系数 × 权重 as printed; the coefficient is not recomputed.
- 其中 parts and the other rows of a 二级 group scored once carry no score of their own; a
  rubric level printed as a row (`rollup`) is the sum of its rows, checked in `family_checks`.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import regex

from pipeline.extract.values import parse_value
from schemas.profile import Profile
from schemas.tables import EvalTableRow, IndicatorRow
from schemas.vocab import ScoreRule

_UNSCORED_KINDS = ("part", "group_member", "rollup")  # a rollup is the sum of its rows


def scoring_of(table: EvalTableRow) -> str:
    """How the table is scored; tables stored before families were read are `rules`."""
    return table.scoring or "rules"


def rescore_family(
    table: EvalTableRow, rows: list[IndicatorRow], profile: Profile
) -> list[IndicatorRow]:
    """`rows` (already scored by the profile's rules) re-scored as their family scores."""
    scoring = scoring_of(table)
    return [_row(row, scoring, profile) for row in rows]


def _row(row: IndicatorRow, scoring: str, profile: Profile) -> IndicatorRow:
    if row.row_kind in _UNSCORED_KINDS:
        return _unscored(row, "group_member" if row.row_kind == "group_member" else "part")
    if scoring == "targets_only":
        return _unscored(row, "not_scored")
    weight = _d(row.weight)
    if scoring == "rubric" and weight is not None:
        return _band(row, Decimal(0), weight, "rubric", profile)
    if scoring == "coefficient" and weight is not None:
        coefficient = extra_number(row, "coefficient")
        if coefficient is not None:
            score = weight * coefficient
            return _band(row, score, score, "coefficient", profile)
    return row


def _unscored(row: IndicatorRow, rule: ScoreRule) -> IndicatorRow:
    return dataclasses.replace(
        row, score_min=None, score_max=None, score_recomputed=None, score_rule=rule
    )


def _band(
    row: IndicatorRow, low: Decimal, high: Decimal, rule: ScoreRule, profile: Profile
) -> IndicatorRow:
    """The printed score clamped into [low, high], as every other rule does."""
    places = Decimal(1).scaleb(-profile.rounding.decimals)
    low, high = low.quantize(places), high.quantize(places)
    stated = _d(row.score_stated)
    recomputed = None if stated is None else min(max(stated, low), high)
    return dataclasses.replace(
        row,
        score_min=float(low),
        score_max=float(high),
        score_recomputed=None if recomputed is None else float(recomputed),
        score_rule=rule,
    )


def extra_cells(row: IndicatorRow) -> dict[str, str]:
    """The row's other cells by role, as stored."""
    if not row.extra_cells:
        return {}
    loaded = json.loads(row.extra_cells)
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def extra_number(row: IndicatorRow, role: str) -> Decimal | None:
    """A number from the row's extra cells; a coefficient printed as 90% is 0.9."""
    value = parse_value(extra_cells(row).get(role))
    if not value.is_number or value.value is None or value.op not in (None, "="):
        return None
    if role == "coefficient" and value.unit == "%":
        return value.value / 100
    return value.value


def counts_in_total(row: IndicatorRow) -> bool:
    """Rows whose own score adds to the table's total: not a 其中 part, not a group member,
    not a rubric level printed as a row (its rows are counted)."""
    return row.row_kind not in _UNSCORED_KINDS


def level_weight_sum(rows: list[IndicatorRow]) -> Decimal | None:
    """No weight column (湖北): the weights the level labels print (`产出指标(60分)`), once
    per level; None when a level prints none."""
    levels: dict[str, float] = {}
    for row in rows:
        if row.level1_weight is None:
            return None
        levels[row.level1 or ""] = row.level1_weight
    return sum((Decimal(repr(w)) for w in levels.values()), Decimal(0)) if levels else None


_TARGET_IN_NAME = regex.compile(r"(?:≥|≤|>=|<=|＞＝|＜＝|不低于|不少于|达到)?\s*\d+(?:\.\d+)?\s*%$")


def target_in_name(row: IndicatorRow) -> str | None:
    """A target written at the end of the name when no target cell is printed:
    `资金到位率100%` -> `100%` (scored as a floor); None otherwise."""
    if row.target_raw or not row.actual_raw:
        return None
    found = _TARGET_IN_NAME.search("".join(row.level3.split()))
    if found is None or found.start() == 0:
        return None
    value = found.group(0)
    return f">={value}" if value[0].isdigit() else value


_CHECKED = "☑■√✓✔▣"
_UNCHECKED = "□☐"
_CHECKBOX = regex.compile(f"([{_CHECKED}{_UNCHECKED}])([^{_CHECKED}{_UNCHECKED}]*)")


def checked_option(raw: str | None) -> str | None:
    """A 是/否 answer printed as checkboxes reads as the ticked option: `☑达到 □未达到` ->
    `达到`; text without checkboxes, or with none or several ticked, is returned as is."""
    if raw is None or not any(c in raw for c in _CHECKED):
        return raw
    ticked = [text.strip() for box, text in _CHECKBOX.findall(raw) if box in _CHECKED]
    return ticked[0] if len(ticked) == 1 and ticked[0] else raw


def _d(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value))
