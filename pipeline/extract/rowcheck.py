"""Does a read row make sense as a row? The checks both readers' rows pass before they are
emitted; a row that fails is not guessed at: it is kept, raw, as unread cells (ROW_UNPARSED).

A wrong row turned into a finding costs an auditor's trust far more than a row left unread,
so the checks are about types, not about plausibility of values: a score above its weight is
a finding for the audit, not a read error here.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import regex

from pipeline.extract import headers as h
from pipeline.extract.align import MEASURE_WORDS, runs_together
from pipeline.extract.located import LocatedTable, RawIndicator, Text
from pipeline.extract.lookalike import is_repaired, repair_row
from pipeline.extract.values import UNITS, parse_number, parse_value, weight_in_label

_OPERATOR_ONLY = regex.compile(r"^(?:>=|<=|=|>|<|≥|≤|≧|≦|═|＝|＞|＜|＞＝|＜＝|﹦|﹥|﹤)$")
_BLANK = frozenset({"", "/", "／", "-", "—", "——", "－", "\\", "无", "…", "……"})
_MAX_WEIGHT = 100
_SCORE_UNITS = (None, "分", "%")
_RULE_TEXT = regex.compile(r"[计得扣给]\d+(?:\.\d+)?分")  # 计5分, 扣1分: a rubric's rule
_BARE_UNITS = frozenset({*UNITS, *MEASURE_WORDS, "%", "‰"}) - {""}
_MAX_WORD = 6  # 不适用, 不予评分: a word printed in place of a score
_DIGIT = regex.compile(r"\d")
# Look-alikes OCR leaves in text that reached us already recognised (a scan's text layer, a
# re-typed page): `IO0` for 100, `85$` for 85%, `^50` / `工850` / `5=46` for ≥. Only ziping's
# own OCR repairs these (where it knows the cell was read from an image); in text they make
# the row unsure, so it is reported with its cells instead of read.
_LOOKALIKE = regex.compile(
    r"(?<![A-Za-z])[IOl](?=[\dIOl]*\d)|(?<=\d)[IOl](?![A-Za-z])|(?<![A-Za-z])[IOl]{2,}(?![A-Za-z])"
    r"|\$|^\^|^工\s*\d|^S\s*\d|^5=|^[工^S]$"
)
# In text that shows such look-alikes, a leading 2 may be a `≥` misread (`24600所`): a target
# that opens with 2 and prints no comparator is unsure there.
_LEADING_TWO = regex.compile(r"^2\s*\d")
_CUT_OPERATOR = regex.compile(r"^\d\|=")  # `5=100%` cut into target 5 and actual =100
_TRAILING_OPERATOR = regex.compile(r"\p{Han}(?:S|\^|工|5=|2)$")
# 优良中低差: the 定性 scale printed in a split target's value cell, never a name.
_LEVELS = h.LEVEL1_LABELS | h.LEVEL2_LABELS
_PART_OF = regex.compile(r"其中[:：]?")  # 其中： opens a part row's name, once
_GRADE_SCALE = regex.compile(r"^[优良中低差好较一般合格]{3,}$")


def row_problem(row: RawIndicator, *, damaged: bool = False) -> str | None:
    """Why `row` cannot be a row as read (None when it can): a name that is a value, a
    number or a column header; a weight or score that is not a number; a target that is
    only an operator or a unit; a target or actual that is a scoring rule. `damaged`: the
    table's text shows OCR look-alikes, so a target opening with 2 may hide a `≥`."""
    if row.level3 is None or not row.level3.text.strip():
        return "no indicator name"
    problems = (
        _name_problem(row.level3.text),
        _level_problem(row),
        _number_problem("weight", row.weight),
        _number_problem("score", row.score),
        _value_problem("target", row.target),
        _value_problem("actual", row.actual),
        _value_problem("completion", row.extra.get("completion")),
    )
    found = next((p for p in problems if p is not None), _shifted(row.target, row.actual))
    if found is None and damaged:
        return _misread_operator(row.level3.text, row.target, row.actual) or _misread_two(row)
    return found


def _misread_two(row: RawIndicator) -> str | None:
    """A lone `2` where a split target's 指标性质 cell stands is a misread ≥ taken for a
    number: the cells after it sit one column late."""
    for cell in (row.target, row.extra.get("target_op"), row.extra.get("target_value")):
        if cell is not None and cell.text.strip() == "2":
            return f"the target cell {cell.text!r} may be a misread ≥ (OCR text)"
    return None


def _shifted(target: Text | None, actual: Text | None) -> str | None:
    """A comparator in the actual (≥90%) beside a target with no number at all, or none, is
    a row read one cell late: the name went to the target, the target to the actual (or a
    target cell went to the actual, its score to the score column: `S15万元` · `13.19`)."""
    if actual is None or (target is not None and _DIGIT.search(target.text)):
        return None
    if parse_value(actual.text).op in (">=", "<=", ">", "<"):
        lacks = "a blank target" if target is None else f"the target {target.text!r}"
        return f"the actual {actual.text!r} holds the comparator {lacks} lacks"
    return None


def _misread_operator(name: str, target: Text | None, actual: Text | None) -> str | None:
    """In OCR'd text a comparator read as a letter may sit at either side of a cut between
    name and target: `社区养老单位成本S | 46.5万元` (≤), `24600所` (≥)."""
    if target is not None and _two_may_be_comparator(target.text.strip()):
        return f"the target {target.text!r} may open with a misread ≥ (OCR text)"
    if (
        target is not None
        and actual is not None
        and _CUT_OPERATOR.match(f"{target.text.strip()}|{actual.text.strip()}")
    ):
        return f"the target {target.text!r} and actual {actual.text!r} split a misread ≥"
    if _TRAILING_OPERATOR.search(name.strip()):
        return f"the name {name!r} may end with the target's misread comparator (OCR text)"
    return None


def _two_may_be_comparator(target: str) -> bool:
    """`24600所` may be ≥4600所; `2023年12月31日前` is no ≥ before `023年…` (a stray zero)."""
    rest = target[1:].strip()
    if not _LEADING_TWO.match(target) or _STRAY_ZERO.match(rest) or parse_value(target).op:
        return False  # `20人次以上` prints its comparator: no ≥ before it
    return parse_value(rest).status in ("number", "date")


_STRAY_ZERO = regex.compile(r"^(?:0\d|\.)")


def _name_problem(name: str) -> str | None:
    if parse_value(name).status in ("number", "date") or _OPERATOR_ONLY.match(h.key(name)):
        return f"the name {name!r} is a value"
    if _is_header_word(name):
        return f"the name {name!r} is a column header"
    if regex.fullmatch(r"[\dIOl.%$]+", h.key(name)):
        return f"the name {name!r} is a damaged number"
    if _GRADE_SCALE.match(h.key(name)):
        return f"the name {name!r} is a 定性 grade scale"
    if runs_together(name):
        return f"the name {name!r} holds its level labels: cells run together"
    return _wrapped_problem(name)


def _wrapped_problem(name: str) -> str | None:
    if _unbalanced(name):
        return f"the name {name!r} is cut inside a bracket: a wrapped cell read as two rows"
    if len(_PART_OF.findall(h.key(name))) > 1:
        return f"the name {name!r} holds two 其中 parts: two rows read as one"
    return None


def _unbalanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char in "(（") - (char in ")）")
        if depth < 0:
            return True
    return depth != 0


def _level_problem(row: RawIndicator) -> str | None:
    """A level label cut by a wrap (`服务对象满意度指` | `标` for 服务对象满意度指标,
    `产出指标（50` | `分）`): its row sits under a level that was not read whole."""
    for label in (row.level1, row.level2):
        k = h.key(label.text) if label is not None else ""
        if _unbalanced(k):
            return f"the level label {k!r} is cut inside a bracket: a wrapped cell"
        # a label's short form (社会效益 for 社会效益指标) is a label too, not a cut
        cut = any(
            (known.startswith(k) and known[len(k) :] != "指标") or known.endswith(k)
            for known in _LEVELS
        )
        if k and k not in _LEVELS and cut:
            return f"the level label {k!r} is cut short: a wrapped cell"
    return None


def _label_goes_on(row: RawIndicator, below: list[RawIndicator]) -> str | None:
    """A level label whose rest the next row holds (`质量` over `指标`: 质量指标 typed over
    two lines of a cell merged down, the lines read as two rows' labels): its row sits under
    a label that was not read whole, as the next row does."""
    for level in ("level1", "level2"):
        upper = getattr(row, level)
        lower = getattr(below[0], level) if below else None
        if upper is None or lower is None:
            continue
        head, rest = h.key(upper.text), h.key(lower.text)
        if head != rest and rest not in _LEVELS and head + rest in _LEVELS:
            return f"the level label {head!r} goes on in the next row ({rest!r}): a wrapped cell"
    return None


def _value_problem(label: str, cell: Text | None) -> str | None:
    if cell is None:
        return None
    if label == "target" and _OPERATOR_ONLY.match(h.key(cell.text)):
        return f"the target {cell.text!r} is an operator without its value"
    if h.key(cell.text) in _BARE_UNITS:
        return f"the {label} {cell.text!r} is a unit without its value"
    if _RULE_TEXT.search(h.key(cell.text)):
        return f"the {label} {cell.text!r} is a scoring rule (评分标准), not a value"
    return _damaged_value(label, cell)


def _damaged_value(label: str, cell: Text) -> str | None:
    if cell.ocr is None and _LOOKALIKE.search(cell.text.strip()):
        return f"the {label} {cell.text!r} holds OCR look-alikes (I/O for 1/0, $ for %, ^ for ≥)"
    if _two_values(cell.text):
        return f"the {label} {cell.text!r} is two values run together: two rows read as one"
    return None


def _two_values(text: str) -> bool:
    """Two whole values, each with its unit, in one cell (`>=2760人次>=1840人次`,
    `85%90%`), or a value with its unit and a bare number after it (`满意度≧90%5`): cells of
    two columns or two rows joined, as a wrap model or a lost separator joins them. A range
    (`85%-95%`) or a value with a remark has text between or after them."""
    key = h.key(text)
    if parse_value(key).status != "unparsed":
        return False
    if _NUMBER_AFTER_UNIT.search(key):
        return True
    for cut in _VALUE_END.finditer(key):
        first, second = parse_value(key[: cut.end()]), parse_value(key[cut.end() :])
        if first.is_number and second.is_number and first.unit and first.unit == second.unit:
            return True
    return False


_UNIT_WORDS = "|".join(sorted((regex.escape(u) for u in _BARE_UNITS), key=len, reverse=True))
_NUMBER_AFTER_UNIT = regex.compile(rf"\d(?:{_UNIT_WORDS})\d+(?:\.\d+)?$")
_VALUE_END = regex.compile(r"(?<=\d\s*[^\d\s.,]+)(?=[<>=≥≤≧≦﹦＝═]*\d)")


def _number_problem(label: str, cell: Text | None) -> str | None:
    """A weight or score is a number, or a short word printed instead of one (不适用, 免评):
    digits that do not read as a number (≥90%, 12公里) or a long text are cells of another
    column."""
    k = h.key(cell.text) if cell is not None else ""
    if cell is None or k in _BLANK:
        return None
    value = parse_number(cell.text)
    if value is None and (_DIGIT.search(k) or len(k) > _MAX_WORD):
        return f"the {label} {cell.text!r} is not a number"
    if value is None:
        return None
    if parse_value(cell.text).unit not in _SCORE_UNITS:
        return f"the {label} {cell.text!r} is a value with a unit"
    if value < 0 or value > _MAX_WEIGHT:
        return f"the {label} {cell.text!r} is no row's {label}"
    return None


def _is_header_word(name: str) -> bool:
    """A cell that equals a column header's wording (指标值, 分值 …), not one containing it."""
    k = h.key(name)
    return any(k == h.key(s) for synonyms in h.INDICATOR_COLUMNS.values() for s in synonyms)


def raw_cells(row: RawIndicator) -> str:
    """A row's cells as printed, for the unread-cells report."""
    cells = [row.level1, row.level2, row.level3, row.target, row.actual, row.weight, row.score]
    cells += list(row.extra.values())
    return " | ".join(c.text for c in cells if c is not None and c.text.strip())


def vet(table: LocatedTable) -> None:
    """Move every row of `table` that fails `row_problem` to `table.unparsed` (its raw cells
    and the reason), and renumber the parent links of the rows that stay."""
    kept: list[RawIndicator] = []
    new_index: dict[int, int] = {}
    damaged = _shows_lookalikes(table)
    # a look-alike comparator opening a target (`工850项`) reads as the comparator (≥850项)
    rows = [repair_row(r) for r in table.indicators] if damaged else table.indicators
    for index, row in enumerate(rows):
        problem = (
            row_problem(row, damaged=damaged)
            or table_problem(row, table, damaged=damaged)
            or _label_goes_on(row, rows[index + 1 : index + 2])
            or _rest_of_a_cut_row(row, table)
        )
        if problem is None:
            new_index[index] = len(kept)
            kept.append(_less_sure(row) if is_repaired(row) else row)
            continue
        text = f"{raw_cells(row)} （{problem}）"
        table.unparsed.append(Text(text, row.page, row.line))
    table.indicators = [relinked(row, new_index) for row in kept]


def _shows_lookalikes(table: LocatedTable) -> bool:
    """Whether the table's text was OCR'd outside ziping: look-alikes left in its cells or
    repaired in them (`Text.printed`)."""
    if table.lookalikes or any(is_repaired(r) for r in table.indicators):
        return True
    cells = [c for r in table.indicators for c in (r.target, r.actual, r.weight, r.score) if c]
    texts = [c.text for c in cells if c.ocr is None] + [u.text for u in table.unparsed]
    return any(_LOOKALIKE.search(part.strip()) for t in texts for part in t.split(" | "))


REPAIRED_CONFIDENCE = 0.8  # a row read through a repaired look-alike: as sure as OCR's repairs


def _less_sure(row: RawIndicator) -> RawIndicator:
    return dataclasses.replace(row, confidence=min(row.confidence, REPAIRED_CONFIDENCE))


def _rest_of_a_cut_row(row: RawIndicator, table: LocatedTable) -> str | None:
    """A row that starts past a skipped line (a page mark, a page break) right after a line
    left unread that holds no number yet is the rest of a row the page cut (`反映受益群` ·
    `- 2 -` · `众情况 | 100 | ≥ …`, or `村卫生室单位` · `- 4 -` · `成本 | ≤120万元 …`, where
    rows run one per line): its cells sit one column off, or its name is cut. The line may
    open with the last cells of the row before (`265 | 防汛`): its last cell counts."""
    if row.line is None:
        return None
    here = (row.page or 0, row.line)
    before = [((t.page or 0, t.line), t) for t in table.unparsed if t.line is not None] + [
        ((r.page or 0, r.line), None) for r in table.indicators if r.line is not None
    ]
    earlier = [item for item in before if item[0] < here]
    if not earlier:
        return None
    (page, line), unread = max(earlier, key=lambda item: item[0])
    if unread is None or _DIGIT.search(unread.text.split(" | ")[-1]):
        return None  # after a row read, or after cells whose last is no cut text
    if " | " not in unread.text and not _rows_one_per_line(table):
        return None  # a lone fragment, where each cell has its line: a cell of its own
    if page == here[0] and here[1] - line < 2:
        return None  # on the next line: no page ended between them
    return f"it goes on from {unread.text!r}, cut by a page break"


def _rows_one_per_line(table: LocatedTable) -> bool:
    """Most of the table's rows print their cells on one line, so a lone fragment on a line
    before a row is no cell of its own but a cut piece of a row."""

    def one_line(row: RawIndicator) -> bool:
        cells = [row.level3, row.target, row.actual, row.weight, row.score]
        lines = {c.line for c in [*cells, *row.extra.values()] if c is not None}
        return len(lines) == 1 and sum(c is not None for c in cells) > 1

    return 2 * sum(one_line(r) for r in table.indicators) > len(table.indicators)


def table_problem(row: RawIndicator, table: LocatedTable, *, damaged: bool = False) -> str | None:
    """A weight its table cannot hold: all 100 points on one row of several, or, in text
    that shows OCR look-alikes, more than its level label prints (`产出指标(50分)`). In clean
    text a row over its level is a printed error for the audit (LEVEL1_WEIGHT_MISMATCH)."""
    several = len(table.indicators) + len(table.unparsed) > 1
    scored = row.score.text if row.score is not None else ""
    score = parse_number(scored)
    if several and row.weight is None and score is not None and score >= _MAX_WEIGHT:
        return f"the score {scored!r} is the whole table's, on a row with no weight"
    printed = row.weight.text if row.weight is not None else ""
    weight = parse_number(printed)
    if damaged and (misread := _misread_numbers(row, table, score, weight)):
        return misread
    if weight is None or row.weight_source != "column":
        return None
    if several and weight >= _MAX_WEIGHT:
        return f"the weight {printed!r} is the whole table's, on one row of several"
    return None


def _misread_numbers(
    row: RawIndicator, table: LocatedTable, score: Decimal | None, weight: Decimal | None
) -> str | None:
    """In OCR'd text, numbers a misread cell may have moved: a score above its weight or a
    weight above its level's label (`产出指标(50分)`), both printed errors in clean text; a
    lone number where the row prints the actual or the score (`≥ 95 % 95`)."""
    scored = row.score.text if row.score is not None else ""
    printed = row.weight.text if row.weight is not None else ""
    lone = score is not None and row.actual is None and row.weight is None
    if lone and any(r.actual is not None for r in table.indicators):
        return f"the score {scored!r} may be the actual: the row prints one of them (OCR text)"
    if weight is None or row.weight_source != "column":
        return None
    if score is not None and score > weight:
        return f"the score {scored!r} is above the weight {printed!r}: a misread cell (OCR text)"
    _, level = weight_in_label(row.level1.text) if row.level1 is not None else ("", None)
    if level is not None and weight > level:
        return f"the weight {printed!r} is above its level's {level}"
    return None


def relinked(row: RawIndicator, new_index: dict[int, int]) -> RawIndicator:
    """`row` with its parent link renumbered after rows were removed."""
    if row.parent is None:
        return row
    parent = new_index.get(row.parent)
    if parent is None:  # its parent was not a row: a part of nothing is an ordinary row
        return dataclasses.replace(row, parent=None, kind="indicator", confidence=0.5)
    return dataclasses.replace(row, parent=parent)
