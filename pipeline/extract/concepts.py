"""What an indicator measures (cost, rate, count …), read from its name with jieba.

Auditors filter on `indicator_concept`, and the `=` scoring rule needs to know whether an
indicator is a cost. The head word of a Chinese noun phrase is its last word, so the name is
segmented with jieba (with a small fiscal dictionary so that 及时率, 服务费 … stay whole) and the
last meaningful word decides; the level-2 label breaks ties. The lexicon is data
(`pipeline/lexicon/concepts.toml`), not code.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

import regex

from pipeline import lexicon
from pipeline.extract.values import normalize
from pipeline.lexicon.segment import tokenizer

CONCEPTS = (
    "cost",
    "rate",
    "count",
    "satisfaction",
    "timeliness",
    "quality",
    "qualitative",
    "other",
)

_HAN = regex.compile(r"\p{Han}")

# Trailing decorations that are not part of the head word: `（%）`, `（个）`, `15个`, `：`.
_TRAILING = regex.compile(
    r"(?:[(（][^()（）]*[)）]|\d+(?:\.\d+)?\p{Han}{0,2}|[\s。，,.:：;；、*★])+$"
)


@cache
def _lexicon() -> dict[str, Any]:
    return tomllib.loads(lexicon.text("concepts.toml"))


def head_word(name: str) -> str:
    """The last meaningful word of an indicator name."""
    text = _TRAILING.sub("", normalize(name)) or normalize(name)
    trimmed = True
    while trimmed:
        trimmed = False
        for filler in _lexicon()["filler"]:
            if text.endswith(filler) and len(text) > len(filler):
                text, trimmed = text[: -len(filler)], True
    words = [w for w in tokenizer().lcut(text) if _HAN.search(w)]
    return words[-1] if words else text


def concept_of(name: str, level2: str | None, qualitative: bool) -> str:
    """One of CONCEPTS for the indicator `name` under `level2`."""
    lexicon = _lexicon()
    head = head_word(name)
    for concept in lexicon["order"]:
        if any(head.endswith(s) for s in lexicon["suffixes"][concept]):
            return str(concept)
    label = normalize(level2 or "")
    for concept, labels in lexicon["level2"].items():
        if label in labels:
            return str(concept)
    return "qualitative" if qualitative else "other"
