"""Family arithmetic as data: how each column family of 自评表 is re-scored and which printed
columns must agree (`schemas/profiles/families.toml`). Typed and validated on load."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

from schemas.errors import ProfileError

SCORINGS = ("rules", "rules_assumed", "targets_only", "rubric", "coefficient")


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """`left` = `right` must hold on every row where all their terms are printed."""

    code: str
    left: str
    right: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class FamilyRules:
    family: str
    scoring: str
    note: str
    checks: tuple[Arithmetic, ...]


@cache
def family_rules(family: str) -> FamilyRules:
    """The rules of `family`; a family the file does not name is `unknown`."""
    table = _load()
    return table.get(family) or table["unknown"]


@cache
def _load() -> dict[str, FamilyRules]:
    text = resources.files("schemas.profiles").joinpath("families.toml").read_text("utf-8")
    data = tomllib.loads(text)
    out = {}
    for family, entry in data.items():
        scoring = entry.get("scoring")
        if scoring not in SCORINGS:
            raise ProfileError(f"families.toml: [{family}] scoring {scoring!r} not in {SCORINGS}")
        checks = tuple(
            Arithmetic(c["code"], c["left"], c["right"], c["zh"], c["en"])
            for c in entry.get("checks", [])
        )
        out[family] = FamilyRules(family, scoring, entry.get("note", ""), checks)
    if "unknown" not in out:
        raise ProfileError("families.toml: an [unknown] entry is required")
    return out


def evaluate(expression: str, values: Mapping[str, Decimal]) -> Decimal | None:
    """A product/quotient of role names and numbers (`score_item * weight_share / 100`);
    None when a term is not printed or a division is by zero."""
    result: Decimal | None = None
    op = "*"
    for token in expression.split():
        if token in ("*", "/"):
            op = token
            continue
        term = Decimal(token) if _is_number(token) else values.get(token)
        if term is None:
            return None
        if result is None:
            result = term
        elif op == "*":
            result *= term
        elif term == 0:
            return None
        else:
            result /= term
    return result


def _is_number(token: str) -> bool:
    try:
        Decimal(token)
    except InvalidOperation:
        return False
    return True
