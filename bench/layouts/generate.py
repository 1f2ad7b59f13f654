"""The family registry: `generate(family, seed)` draws one made-up table of that family."""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.layouts import families, families_more
from bench.layouts.form import Layout, draw
from bench.layouts.model import Form

FAMILIES: dict[str, Callable[[random.Random], Layout]] = {
    "mof": families.mof,
    "weight_first": families.weight_first,
    "hubei": families.hubei,
    "split": families_more.split,
    "hebei": families_more.hebei,
    "coefficient": families_more.coefficient,
    "targets_only": families.targets_only,
    "rubric": families_more.rubric,
}


def generate(family: str, rng: random.Random) -> Form:
    return draw(FAMILIES[family](rng))
