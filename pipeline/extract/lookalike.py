"""OCR look-alikes in text that reached us already recognised, repaired where they can mean
one thing only; the text as printed is kept on the cell (`Text.printed`).

A scan's text layer or a re-typed page prints `IO0` for 100, `85$` for 85%, `^50` / `工850` /
`5=46` for ≥ and `S2.8` for ≤ (TEMPLATES.md). Inside a number, `I`, `l` and `O` are digits and
`$` after a digit is a percent sign: no cell of a 自评表 prints them otherwise. A comparator
look-alike is repaired only where the value grammar expects a comparator: at the start of a
target (or of its 指标性质 cell), right before its number, or as a cell of its own. A leading
`2` is a comparator only before a share no share can be (`290%`: ≥90%); elsewhere `25个` is as
likely as `≥5个`, so such targets stay unsure (rowcheck).
"""

from __future__ import annotations

import dataclasses

import regex

from pipeline.extract.headers import ColumnRole
from pipeline.extract.located import RawIndicator, Text

# A number run holding I / l / O among digits (`IO0`, `1O`, `IO.00`), or two or more of them
# standing for digits (`IO`, `(IO分)`); never inside a Latin word (ISO9001, COVID).
_NUMBER_RUN = regex.compile(
    r"(?<![A-Za-z])(?:[\dIlO.]*\d[\dIlO.]*[IlO][\dIlO.]*|[IlO][\dIlO.]*\d[\dIlO.]*"
    r"|[IlO]{2,}(?:\.[\dIlO]+)?)(?![A-Za-z])"
)
_PERCENT = regex.compile(r"(?<=[\d)）])\s*\$")
_DIGITS = str.maketrans("IlO", "110")
# ^ or 工 for ≥, 5= for ≥, S for ≤, opening a target right before its number (or alone, in
# a split target's 指标性质 cell); a 2 before a share that no share can be (`290%`: ≥90%);
# 二 for =, right before a number only.
_COMPARATOR = regex.compile(
    r"^(?:(?P<ge>[\^工]|5=|2(?=(?:[1-9]\d|100)(?:\.\d+)?\s*%$))|(?P<le>S))(?=\s*\d|$)"
    r"|^(?P<eq>二)(?=\s*\d)"  # `=` read as 二: only before a number (二 alone is a numeral)
)
# A cell that is only a look-alike: `$` in a split target's unit cell, `^` / `工` / `5=` / `S`
# in its 指标性质 cell.
_ALONE = {"$": "%", "^": "≥", "工": "≥", "5=": "≥", "S": "≤"}
# What shows that a text was OCR'd: a repairable number run, or `$` after a digit.
_SHOWS = regex.compile(rf"{_NUMBER_RUN.pattern}|{_PERCENT.pattern}")


def shows_lookalikes(text: str) -> bool:
    return _SHOWS.search(text) is not None


def repair_numbers(text: str) -> str:
    """`text` with I / l / O read as digits inside numbers and `$` after a digit as `%`."""
    fixed = _NUMBER_RUN.sub(lambda m: m.group().translate(_DIGITS), text)
    return _PERCENT.sub("%", fixed)


def repair_comparator(text: str, actual: bool = False) -> str:
    """A target's opening look-alike comparator as the comparator (`工850项` -> `≥850项`).
    `actual`: an actual's, where a leading 2 stays a digit (an actual may pass 100 %)."""
    found = _COMPARATOR.match(text)
    if found is None or (actual and found.group().startswith("2")):
        return text
    sign = "=" if found["eq"] else "≥" if found["ge"] else "≤"
    return sign + text[found.end() :]


def repaired(tok: Text, fix: str) -> Text:
    """`tok` reading `fix`, the text as printed kept (the first printing, if repaired twice)."""
    if fix == tok.text:
        return tok
    return dataclasses.replace(tok, text=fix, printed=tok.printed or tok.text)


def repair_tokens(toks: list[Text]) -> list[Text]:
    """Every token's numbers repaired, when some token shows OCR look-alikes; else `toks`."""
    if not any(shows_lookalikes(t.text) for t in toks):
        return toks
    return [repaired(t, _ALONE.get(t.text.strip()) or repair_numbers(t.text)) for t in toks]


_TARGET_PARTS: tuple[ColumnRole, ...] = ("target_op",)


def repair_row(row: RawIndicator) -> RawIndicator:
    """`row` with a comparator look-alike opening its target (or its 指标性质 cell) or its
    actual (`^80%`: an actual printed with its comparator, as some forms do) repaired."""
    target, actual = row.target, row.actual
    if target is not None:
        target = repaired(target, repair_comparator(target.text.strip()))
    if actual is not None:
        actual = repaired(actual, repair_comparator(actual.text.strip(), actual=True))
    extra = dict(row.extra)
    for role in _TARGET_PARTS:
        cell = extra.get(role)
        if cell is not None:
            extra[role] = repaired(cell, repair_comparator(cell.text.strip()))
    if target is row.target and actual is row.actual and extra == dict(row.extra):
        return row
    return dataclasses.replace(row, target=target, actual=actual, extra=extra)


def is_repaired(row: RawIndicator) -> bool:
    cells = (row.level1, row.level2, row.level3, row.target, row.actual, row.weight, row.score)
    return any(c is not None and c.printed for c in (*cells, *row.extra.values()))
