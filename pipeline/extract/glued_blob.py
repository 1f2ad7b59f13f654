"""A whole table run into one text without line breaks: found by its header, cut into rows.

OCR text on mirror sites often keeps neither cells nor rows: title, header fields, budget,
indicator header and rows follow each other in one run, with line breaks where the OCR
happened to put them (`…平均亩产2500公斤绩效指标一级指标二级指标三级指标分值…产出指标(40分)
数量指标指标1免费发放原原种8550万粒550万粒8指标2…`). The indicator header is found as a run of
header words inside the text; after it, a row starts where a level label (`数量指标`) or a
numbered indicator (`指标2`) starts. Each piece is then a glued line like any other
(`pipeline.extract.unglue`): cut where proven, reported otherwise.
"""

from __future__ import annotations

import regex

from pipeline.extract import headers as h
from pipeline.extract.glued_budget import like
from pipeline.extract.glued_cells import alternation
from pipeline.extract.located import Text

MIN_BLOB = 60  # characters: a shorter line is a line of its own, not a table run together
MIN_WORDS = 4  # header words in a run
MAX_GAP = 6  # characters between two header words of one run (`年度` before 指标值)

# A row starts at a level label ending in 指标 (short ones such as 产出 or 效益 also begin
# names) with its weight, or at a numbered indicator; one right after another is one start.
_LABELS = alternation({w for w in h.LEVEL1_LABELS | h.LEVEL2_LABELS if w.endswith("指标")})
_ROW_START = regex.compile(
    rf"(?:(?:{_LABELS.pattern})(?:[(（]\d+(?:\.\d+)?分[)）])?)+(?:指标\d{{1,2}})?|指标\d{{1,2}}"
)
_TITLE = regex.compile(r"^.{0,40}?自评表(?:[(（]\d{4}年度?[)）])?")
_END = regex.compile(r"合计|总计|总分|评价结论|其他需要说明")


def unblob(lines: list[list[Text]], words: regex.Pattern[str]) -> list[list[Text]]:
    """`lines` with each run that holds an indicator header inside it cut into: the title,
    what came before the header, the header, and one line per row after it (the lines after
    the run belong to it until a total or a title)."""
    out: list[list[Text]] = []
    at = 0
    while at < len(lines):
        line = lines[at]
        found = _header_in(line[0].text, words) if len(line) == 1 else None
        if found is None:
            out.append(line)
            at += 1
            continue
        tok, (start, end) = line[0], found
        out.extend([like(tok, t)] for t in _before(tok.text[:start]))
        out.append([like(tok, tok.text[start:end])])
        rest, at = _region(tok.text[end:], lines, at + 1)
        out.extend([like(tok, piece)] for piece in _rows(rest[0]))
        out.extend([like(tok, t)] for t in rest[1:] if t)
    return out


def _header_in(text: str, words: regex.Pattern[str]) -> tuple[int, int] | None:
    """(start, end) of the first run of header words inside a long text, or None; a line
    that is a header from its start is left to the line reader."""
    if len(text) < MIN_BLOB:
        return None
    run: list[tuple[int, int]] = []
    for m in words.finditer(text):
        if run and m.start() - run[-1][1] > MAX_GAP:
            if _is_header(text, run):
                break
            run = []
        run.append((m.start(), m.end()))
    if not _is_header(text, run) or run[0][0] == 0:
        return None
    return run[0][0], run[-1][1]


def _is_header(text: str, run: list[tuple[int, int]]) -> bool:
    return len(run) >= MIN_WORDS and any("三级指标" in text[a:b] for a, b in run)


def _before(text: str) -> list[str]:
    """The title apart from what follows it (fields and budget run together stay one run,
    reported unread)."""
    title = _TITLE.match(text)
    if title is None or title.end() == len(text):
        return [text] if text else []
    return [title.group(), text[title.end() :]]


def _region(after: str, lines: list[list[Text]], at: int) -> tuple[list[str], int]:
    """The rows' text: the run after the header and the lines after it, joined as printed
    (their breaks are the OCR's, not the table's), up to a total or a title; then what
    follows it. Returns ([rows, rest], index of the next line)."""
    text = after
    while at < len(lines) and len(lines[at]) == 1 and not h.is_title(lines[at][0].text):
        text += lines[at][0].text
        at += 1
    end = _END.search(text)
    if end is None:
        return [text], at
    return [text[: end.start()], text[end.start() :]], at


def _rows(text: str) -> list[str]:
    """The row run cut before each row start."""
    starts = [m.start() for m in _ROW_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True) if text[a:b]]
