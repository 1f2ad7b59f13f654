"""Scoring profiles: typed, validated on load, one TOML file per jurisdiction.

A profile chooses among the rule formulas `pipeline.audit.scoring` implements and supplies the
numbers and phrase lists; it never holds code. `load_profile("central")` reads the bundled
file; a path reads the user's own. A profile may start from another with
`extends = "central"` and state only what differs: tables merge key by key, and the
`[[qualitative]]` / `[[grades]]` lists merge entry by entry on `level` / `grade`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from schemas.errors import ProfileError
from schemas.vocab import QUAL_LEVELS, QualLevel

BUDGET_RULES = ("capped_rate",)
POSITIVE_RULES = ("ratio",)
REVERSE_RULES = ("inverse_ratio", "linear_overrun")
EQUAL_RULES = ("cost_reverse", "positive_unless_zero")
NOT_APPLICABLE_MODES = ("score", "drop_rescale")

# Every key a profile may hold (tables: their keys; lists of tables: their entries' keys).
_KEYS: dict[str, tuple[str, ...]] = {
    "": (
        "name", "title", "extends", "budget", "rules", "cost", "rounding", "not_applicable",
        "qualitative", "grades",
    ),
    "budget": ("rule", "table_weight", "rate_indicators"),
    "rules": ("positive", "reverse", "equal"),
    "cost": ("level2",),
    "rounding": ("decimals", "row_tolerance", "total_tolerance", "total_tolerance_per_row"),
    "not_applicable": ("mode", "phrases"),
    "qualitative": ("level", "min", "max", "phrases"),
    "grades": ("grade", "min", "aliases"),
}  # fmt: skip
_MERGE_ON = {"qualitative": "level", "grades": "grade"}


@dataclass(frozen=True, slots=True)
class QualBand:
    """Share of the weight a qualitative result earns: [min, max], chosen by phrase."""

    level: QualLevel
    min: float
    max: float
    phrases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Grade:
    grade: str
    min: float
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rounding:
    decimals: int
    row_tolerance: float
    total_tolerance: float
    total_tolerance_per_row: float

    def total(self, rows: int) -> float:
        """Tolerance of a total summed from `rows` rounded parts."""
        return self.total_tolerance + self.total_tolerance_per_row * rows


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    title: str
    budget_rule: str
    table_weight: float  # a budget row printing this 分值 holds the whole table's total
    rate_indicators: tuple[str, ...]  # indicator names that are the execution rate itself
    positive: str
    reverse: str
    equal: str
    cost_level2: tuple[str, ...]
    rounding: Rounding
    not_applicable: str  # one of NOT_APPLICABLE_MODES
    not_applicable_phrases: tuple[str, ...]
    qualitative: tuple[QualBand, ...]
    grades: tuple[Grade, ...]  # highest threshold first

    def grade_of(self, score: float) -> str:
        """The grade whose band holds `score` (bands are [min, next min))."""
        for grade in self.grades:
            if score >= grade.min:
                return grade.grade
        return self.grades[-1].grade

    def canonical_grade(self, printed: str) -> str | None:
        """`优秀` -> `优`; None when the text names no grade."""
        text = printed.strip()
        for grade in self.grades:
            if text == grade.grade or text in grade.aliases:
                return grade.grade
        return None


def bundled_profiles() -> list[str]:
    folder = resources.files("schemas.profiles")
    return sorted(
        p.name[:-5]
        for p in folder.iterdir()
        if p.name.endswith(".toml") and p.name != "families.toml"  # family rules, no profile
    )


def load_profile(name_or_path: str | Path) -> Profile:
    """Load a bundled profile by name, or a TOML file by path. Raises ProfileError."""
    data, source = _load_merged(name_or_path, ())
    return _build(data, source)


def _load_merged(name_or_path: str | Path, seen: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """The profile's TOML with whatever it `extends` merged underneath it."""
    data, source = _read(name_or_path)
    _check_keys(data, source)
    base = data.pop("extends", None)
    if base is None:
        return data, source
    if not isinstance(base, str) or not base:
        raise ProfileError(f"{source}: extends must name a profile, got {base!r}")
    if source in seen:
        raise ProfileError(f"{source}: extends loops back ({' -> '.join((*seen, source))})")
    relative = Path(source).parent / base if not source.startswith("bundled") else None
    parent = relative if relative is not None and relative.exists() else base
    try:
        base_data, _ = _load_merged(parent, (*seen, source))
    except ProfileError as exc:
        raise ProfileError(f"{source}: extends = {base!r}: {exc}") from exc
    return _merge(base_data, data), source


def _read(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ProfileError(f"cannot read profile {path}: {exc.strerror or exc}") from exc
        source = str(path)
    else:
        resource = resources.files("schemas.profiles") / f"{name_or_path}.toml"
        if not resource.is_file():
            raise ProfileError(
                f"unknown profile {name_or_path!r}; bundled: {', '.join(bundled_profiles())}"
                " (or give a path to a .toml file)"
            )
        text = resource.read_text(encoding="utf-8")
        source = f"bundled profile {name_or_path}"
    try:
        return tomllib.loads(text), source
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: not valid TOML: {exc}") from exc


def _check_keys(data: dict[str, Any], source: str) -> None:
    """Reject keys the loader would ignore: a misspelt rule must not pass silently."""
    for key, value in data.items():
        if key not in _KEYS[""]:
            raise ProfileError(f"{source}: unknown key {key!r}; known: {', '.join(_KEYS[''])}")
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if not isinstance(entry, dict) or key not in _KEYS:
                continue
            for inner in entry:
                if inner not in _KEYS[key]:
                    raise ProfileError(
                        f"{source}: unknown key {key}.{inner!r}; known: {', '.join(_KEYS[key])}"
                    )


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in child.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = {**old, **value}
        elif key in _MERGE_ON and isinstance(old, list) and isinstance(value, list):
            merged[key] = _merge_entries(old, value, _MERGE_ON[key])
        else:
            merged[key] = value
    return merged


def _merge_entries(
    base: list[dict[str, Any]], child: list[dict[str, Any]], on: str
) -> list[dict[str, Any]]:
    """Entries of `child` update the `base` entry with the same `on` key, or are appended."""
    out = [dict(entry) for entry in base]
    for entry in child:
        match = next((e for e in out if e.get(on) == entry.get(on)), None)
        if match is None:
            out.append(dict(entry))
        else:
            match.update(entry)
    return out


def _build(data: dict[str, Any], source: str) -> Profile:
    get = _Getter(data, source)
    rounding = data.get("rounding", {})
    budget = data.get("budget", {})
    not_applicable = data.get("not_applicable", {})
    return Profile(
        name=get.text("name"),
        title=str(data.get("title", get.text("name"))),
        budget_rule=get.choice("budget.rule", BUDGET_RULES),
        table_weight=get.number(budget, "budget.table_weight", 100.0),
        rate_indicators=tuple(str(s) for s in budget.get("rate_indicators", ())),
        positive=get.choice("rules.positive", POSITIVE_RULES),
        reverse=get.choice("rules.reverse", REVERSE_RULES),
        equal=get.choice("rules.equal", EQUAL_RULES),
        cost_level2=tuple(get.strings("cost.level2")),
        rounding=Rounding(
            decimals=int(get.number(rounding, "rounding.decimals", 2)),
            row_tolerance=get.number(rounding, "rounding.row_tolerance", 0.01),
            total_tolerance=get.number(rounding, "rounding.total_tolerance", 0.01),
            total_tolerance_per_row=get.number(rounding, "rounding.total_tolerance_per_row", 0.005),
        ),
        not_applicable=(
            get.choice("not_applicable.mode", NOT_APPLICABLE_MODES) if not_applicable else "score"
        ),
        not_applicable_phrases=tuple(str(p) for p in not_applicable.get("phrases", ("不适用",))),
        qualitative=tuple(_band(b, source) for b in get.tables("qualitative")),
        grades=tuple(
            sorted((_grade(g, source) for g in get.tables("grades")), key=lambda g: -g.min)
        ),
    )


def _band(raw: dict[str, Any], source: str) -> QualBand:
    level = raw.get("level")
    if level is not None and level not in QUAL_LEVELS:
        raise ProfileError(
            f"{source}: [[qualitative]] level = {level!r} is not a known level; use one of "
            f"{QUAL_LEVELS} (the row's score_rule is qual_<level>)"
        )
    try:
        band = QualBand(
            level=raw["level"],
            min=float(raw["min"]),
            max=float(raw["max"]),
            phrases=tuple(str(p) for p in raw["phrases"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(
            f"{source}: [[qualitative]] entry needs level, min, max, phrases"
        ) from exc
    if not 0 <= band.min <= band.max <= 1:
        raise ProfileError(f"{source}: qualitative band {band.level}: need 0 <= min <= max <= 1")
    return band


def _grade(raw: dict[str, Any], source: str) -> Grade:
    try:
        return Grade(str(raw["grade"]), float(raw["min"]), tuple(raw.get("aliases", ())))
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"{source}: [[grades]] entry needs grade and min") from exc


class _Getter:
    """Dotted-key access that names the missing or wrong key in its error."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source

    def _get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ProfileError(f"{self.source}: missing key {dotted!r}")
            node = node[part]
        return node

    def text(self, dotted: str) -> str:
        return str(self._get(dotted))

    def choice(self, dotted: str, allowed: tuple[str, ...]) -> str:
        value = self.text(dotted)
        if value not in allowed:
            raise ProfileError(
                f"{self.source}: {dotted} = {value!r} is not a known rule; use one of {allowed}"
            )
        return value

    def number(self, table: dict[str, Any], dotted: str, default: float) -> float:
        value = table.get(dotted.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProfileError(f"{self.source}: {dotted} must be a number, got {value!r}")
        return float(value)

    def strings(self, dotted: str) -> list[str]:
        value = self._get(dotted)
        if not isinstance(value, list):
            raise ProfileError(f"{self.source}: {dotted} must be a list")
        return [str(v) for v in value]

    def tables(self, key: str) -> list[dict[str, Any]]:
        value = self.data.get(key)
        if not isinstance(value, list) or not value:
            raise ProfileError(f"{self.source}: needs at least one [[{key}]] table")
        return value
