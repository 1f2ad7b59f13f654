"""Scoring profiles: typed, validated on load, one TOML file per jurisdiction.

A profile chooses among the rule formulas `pipeline.scoring` implements and supplies the
numbers and phrase lists; it never holds code. `load_profile("central")` reads the bundled
file; a path reads the user's own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from schemas.errors import ProfileError

BUDGET_RULES = ("capped_rate", "linear_rate")
POSITIVE_RULES = ("ratio",)
REVERSE_RULES = ("inverse_ratio", "linear_overrun")
EQUAL_RULES = ("cost_reverse", "positive")


@dataclass(frozen=True, slots=True)
class QualBand:
    """Share of the weight a qualitative result earns: [min, max], chosen by phrase."""

    level: str
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
    positive: str
    reverse: str
    equal: str
    cost_level2: tuple[str, ...]
    rounding: Rounding
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
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_profile(name_or_path: str | Path) -> Profile:
    """Load a bundled profile by name, or a TOML file by path. Raises ProfileError."""
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
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: not valid TOML: {exc}") from exc
    return _build(data, source)


def _build(data: dict[str, Any], source: str) -> Profile:
    get = _Getter(data, source)
    rounding = data.get("rounding", {})
    return Profile(
        name=get.text("name"),
        title=str(data.get("title", get.text("name"))),
        budget_rule=get.choice("budget.rule", BUDGET_RULES),
        positive=get.choice("rules.positive", POSITIVE_RULES),
        reverse=get.choice("rules.reverse", REVERSE_RULES),
        equal=get.choice("rules.equal", EQUAL_RULES),
        cost_level2=tuple(get.strings("cost.level2")),
        rounding=Rounding(
            decimals=int(rounding.get("decimals", 2)),
            row_tolerance=float(rounding.get("row_tolerance", 0.01)),
            total_tolerance=float(rounding.get("total_tolerance", 0.01)),
            total_tolerance_per_row=float(rounding.get("total_tolerance_per_row", 0.005)),
        ),
        qualitative=tuple(_band(b, source) for b in get.tables("qualitative")),
        grades=tuple(
            sorted(
                (
                    Grade(str(g["grade"]), float(g["min"]), tuple(g.get("aliases", ())))
                    for g in get.tables("grades")
                ),
                key=lambda g: -g.min,
            )
        ),
    )


def _band(raw: dict[str, Any], source: str) -> QualBand:
    try:
        band = QualBand(
            level=str(raw["level"]),
            min=float(raw["min"]),
            max=float(raw["max"]),
            phrases=tuple(str(p) for p in raw["phrases"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"{source}: [[qualitative]] entry needs level, min, max, phrases") from exc
    if not 0 <= band.min <= band.max <= 1:
        raise ProfileError(f"{source}: qualitative band {band.level}: need 0 <= min <= max <= 1")
    return band


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
