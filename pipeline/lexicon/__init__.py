"""Word lists: data, not code. A new report's wording is added to a file here, not to a module.

Every reader of these files goes through this loader: `text` for a file as it is, `sections`
for the `[section]`-headed word lists, `grade_words` for the grade vocabulary that the table
readers and the narrative claims share.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def text(name: str) -> str:
    return (resources.files(__name__) / name).read_text(encoding="utf-8")


@cache
def sections(name: str) -> dict[str, tuple[str, ...]]:
    """The lists of a `[section]` file: words separated by spaces or lines, `#` comments."""
    out: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in text(name).splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = out.setdefault(line[1:-1], [])
        elif line:
            current.extend(line.split())
    return {section: tuple(words) for section, words in out.items()}


@cache
def grade_words() -> dict[str, str]:
    """Every grade word as printed (优秀, 合格 …) -> the band it names (优 / 良 / 中 / 差)."""
    return {word: band for band, words in sections("grades.txt").items() for word in words}
