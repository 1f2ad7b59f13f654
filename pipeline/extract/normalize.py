"""Text as it arrives, reduced for matching: the printed text is kept, this is what is compared.

Reports reach us through mirror sites and converters that change the characters but not the
table: traditional characters (績效自評表), pinyin inserted after characters (`指標(biāo)`),
labels printed with a space between every character (`产 出 指 标 (50分)`), ★ markers on core
indicators and `(≥**人)` placeholders left from the blank form. `for_matching` folds all of
these, so that header vocabulary, level labels and the value grammar see one spelling; callers
keep the raw cell for output. `merge_words` rejoins words a flat-space line split apart.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

import opencc
import regex

# Pinyin a mirror site printed after a character: lower-case Latin with a vowel, one syllable
# (`(biāo)`, `(zhǐ)`, `(de)`), so that units in brackets (`(km)`, `(A)`) are left alone.
_PINYIN = regex.compile(
    r"(?<=\p{Han})[(（]\s*"
    r"(?:[bpmfdtnlgkhjqxzcsryw]h?)?[aeiouvüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+(?:ng|n|r)?"
    r"\s*[)）]"
)
_MARKERS = regex.compile(r"[★☆※▲△●◆]")
# A target left as printed in the blank form inside a name: `(≥**人)`, `（≥**%）`, `(**个)`.
_PLACEHOLDER = regex.compile(r"[(（]\s*(?:[≥≤><=＞＜＝≧≦]=?)?\s*\*+\s*[^()（）\d]{0,4}[)）]")
_WHITESPACE = regex.compile(r"\s+")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1 << 16)
def simplified(text: str) -> str:
    """Traditional characters converted to simplified (OpenCC t2s); ASCII-only text as is."""
    if text.isascii():
        return text
    return str(_t2s().convert(text))


def strip_pinyin(text: str) -> str:
    return _PINYIN.sub("", text)


@lru_cache(maxsize=1 << 16)
def for_matching(text: str) -> str:
    """NFKC, simplified characters, no mirror-site pinyin, ★ markers or `(≥**人)`
    placeholders, whitespace runs as one space. Never used as the printed value."""
    folded = unicodedata.normalize("NFKC", text)
    folded = simplified(strip_pinyin(folded))
    folded = _PLACEHOLDER.sub("", _MARKERS.sub("", folded))
    return _WHITESPACE.sub(" ", folded).strip()


_SINGLE_HAN = regex.compile(r"^\p{Han}$")
# a weight in brackets, its digits perhaps OCR's look-alikes (`(IO分)`: 10, repaired later)
_POINTS = r"[(（]\s*[\dIlO]+(?:\.[\dIlO]+)?\s*分\s*[)）]"
_WEIGHT_ONLY = regex.compile(rf"^{_POINTS}$")
_PLACEHOLDER_ONLY = regex.compile(r"^" + _PLACEHOLDER.pattern + r"$")
_LAST_WITH_WEIGHT = regex.compile(rf"^\p{{Han}}{_POINTS}$")
_CHECKBOX = regex.compile(r"^[☑☐□■✓✔√☒]\S")


def merge_words(words: list[str]) -> list[str]:
    """Words of a space-separated line, with spaced labels rejoined: `产 出 指 标 (50分)` is one
    word `产出指标(50分)`. A run of three or more single characters is one label; a bracketed
    weight `(50分)` or a placeholder `(≥**人)` belongs to the word before it; checkbox answers
    `☑达到 □未达到` are one cell."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        bare = strip_pinyin(word)  # 指(zhǐ): one character, with a mirror site's pinyin
        if _SINGLE_HAN.match(bare) or (len(run) >= 2 and _LAST_WITH_WEIGHT.match(bare)):
            run.append(word)  # 产 出 指 标（60分）: the weight came glued to the last character
            continue
        if out and not run and _CHECKBOX.match(word) and _CHECKBOX.match(out[-1]):
            out[-1] += " " + word  # ☑达到 □未达到: one answer cell
            continue
        if len(run) >= 3 or (run and _LAST_WITH_WEIGHT.match(run[-1])):
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if out and (_WEIGHT_ONLY.match(word) or _PLACEHOLDER_ONLY.match(word)):
            out[-1] += word
        elif word:
            out.append(word)
    return out
