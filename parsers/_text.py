"""Text clean-up shared by the readers: joining wrapped lines without breaking CJK text.

A line break that a renderer (PDF layout) or a source file (HTML markup) put inside a run of
Chinese text is not a space: `>=15万\\n元` is `>=15万元`. Between two Latin words the break
was a space, so one is put back there.
"""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")


def is_wide(ch: str) -> bool:
    """CJK ideographs, kana, hangul and full-width forms/punctuation: text that takes no spaces."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK punctuation, kana, ideographs
        or 0xAC00 <= code <= 0xD7AF  # hangul
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= code <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF  # extension ideographs
    )


def needs_space(left: str, right: str) -> bool:
    """Whether a break between `left` and `right` stood for a space (two Latin words)."""
    if not left or not right:
        return False
    a, b = left[-1], right[0]
    return a.isascii() and b.isascii() and a.isalpha() and b.isalpha()


def join_lines(lines: list[str]) -> str:
    """Join a cell's wrapped lines into one string, CJK-aware (see module docstring)."""
    out = ""
    for line in (s.strip() for s in lines):
        if not line:
            continue
        out = f"{out} {line}" if needs_space(out, line) else out + line
    return out


def collapse(text: str) -> str:
    """Collapse whitespace runs to one space as a browser does (CSS segment-break rule).

    A run holding a line break between two wide characters is dropped instead: it is where
    the page's source wrapped a Chinese sentence.
    """
    text = text.strip()

    def one(m: re.Match[str]) -> str:
        left, right = text[m.start() - 1], text[m.end()]
        return "" if "\n" in m.group() and is_wide(left) and is_wide(right) else " "

    return _WS.sub(one, text)
