"""The grammar of one cell where cells ran together: what a glued name, weight or score can be.

Text that lost the separators between its cells (`unglue`) is cut where each piece reads as
the cell of its column: a name is text that ends in no digit and holds no comparator, a
weight a small number, a score no more than its weight, a target or actual a value, a share
or a phrase. Numbers never start with a stray zero (`0100.00%` is no share) nor a point.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal

import regex

from pipeline.extract.align import is_unit, kind_of
from pipeline.extract.lookalike import repair_comparator
from pipeline.extract.values import UNITS, parse_number, parse_value

MIN_HEADER = 8  # characters: a shorter run is one header word, not several glued

_SPACE = regex.compile(r"\s+")
# A weight: whole points or half points (`10`, `2.5`, `10.00`); `7.0` is a weight glued to
# the digit of the next cell more often than a weight printed so.
WEIGHT = regex.compile(r"^(?:[1-9]\d?|100)(?:\.5|\.50|\.00)?$|^0\.50?$")
WEIGHT_OR_SHARE = regex.compile(r"^(?:[1-9]\d?|100)(?:\.5|\.50|\.00)?%?$|^0\.50?%?$")  # 14%
SCORE = regex.compile(r"^(?:0|[1-9]\d?|100)(?:\.\d{1,2})?$")
SHARE = regex.compile(r"^(?:0|[1-9]\d?|100)(?:\.\d{1,2})?%?$")
# a rate of execution: executed over budget may pass 100 %
RATE = regex.compile(r"^(?:0|[1-9]\d{0,2})(?:\.\d{1,2})?%$")
COEFFICIENT = regex.compile(r"^(?:0(?:\.\d{1,3})?|1(?:\.0{1,3})?)$")
LEADING_ZERO = regex.compile(r"(?<![\d.])0\d")
NAME_END = regex.compile(r"[\p{Han}A-Za-z)）]$")
# A comparator sign or a share inside a would-be name, or a comparator word ending it: the
# name ended before it (a word with more text after it is the name's: 价格不高于市场价).
VALUE_INSIDE = regex.compile(r"[≥≤<>=＝﹦≧≦═＞＜%]|(?:不低于|不高于|不少于|不超过|以上|以下|以内)$")
# 优良中低差: the 定性 scale a split target prints as its value
GRADE_SCALE = regex.compile(r"^[优良中低差好较一般合格]{3,}$")
# Roles whose cell is free text; a glued line is cut only where they come last.
TEXT_ROLES = frozenset({"reason", "basis", "description", "rule_text"})
FREE_BLANKS = TEXT_ROLES | {"core", "completion"}  # often blank: a blank costs nothing


def alternation(words: set[str]) -> regex.Pattern[str]:
    """Any of `words`, the longest where several start at one place."""
    return regex.compile("|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)))


def split_words(text: str, vocabulary: regex.Pattern[str]) -> list[str] | None:
    """`text` cut into the words of `vocabulary` it holds (longest first), or None when it
    is not a run of at least three such words. Characters the vocabulary does not know go
    with the word after them (`年度绩效` + `指标值`), or stand alone before the first word
    (`项目资金（万元）`); brackets after a word stay with it (`得分(20分*执行率)`)."""
    if len(text) < MIN_HEADER or _SPACE.search(text):
        return None
    depth = _depths(text)
    found = [(m.start(), m.end()) for m in vocabulary.finditer(text) if depth[m.start()] == 0]
    if len(found) < 3:
        return None
    pieces = [text[: found[0][0]]] if found[0][0] > 0 else []
    start = found[0][0]
    for k, (_, word_end) in enumerate(found):
        stop = found[k + 1][0] if k + 1 < len(found) else len(text)
        end = word_end
        while end < stop and depth[end] > 0:  # a bracket after the word
            end += 1
        pieces.append(text[start:stop] if k + 1 == len(found) else text[start:end])
        start = end
    known = sum(len(w) for w in pieces if vocabulary.search(w))
    return pieces if known * 2 >= len(text) else None


def _depths(text: str) -> list[int]:
    """Bracket depth at each character."""
    out: list[int] = []
    depth = 0
    for char in text:
        depth += char in "(（"
        out.append(depth)
        depth = max(0, depth - (char in ")）"))
    return out


def fits(role: str, cell: str, bound: Decimal | None = None, loose: bool = False) -> bool:
    """Whether `cell` can be the cell of `role` in a glued line (`bound`: the weight its
    level label prints, which no weight or score of the level passes). `loose`: any text
    may be a target or actual (for the weights a line may hold, never to read it)."""
    if cell != cell.strip() or LEADING_ZERO.search(cell) or cell.startswith(".") or cell[-1] == ".":
        return False
    if " " in cell and role not in TEXT_ROLES and not _CHECKBOXES.match(cell):
        return False  # a printed space parts cells (not the boxes of one answer: ☑是 □否)
    if role in TEXT_ROLES:  # digits or a unit first would end the number before it, digits
        # last, or a score's decimals inside, belong to a number column
        edges = cell[0].isdigit() or cell[0] in _NO_TEXT_START or _unit_first(cell)
        edges = edges or cell[-1].isdigit()
        return not edges and not _SCORE_INSIDE.search(cell)
    if role in _NUMBERS:
        pattern, bounded = _NUMBERS[role]
        return bool(pattern.match(cell)) and (not bounded or _within(cell, bound))
    if role == "level3":
        return _name(cell)
    return _value_fits(role, cell, loose)


def _value_fits(role: str, cell: str, loose: bool) -> bool:
    """A target, actual or other value cell by its kind (`loose`: any text a target or
    actual)."""
    accepts = _KINDS.get(role)
    if accepts is None:
        return False
    if loose and role in ("target", "actual"):
        return kind_of(cell) != "glued"
    if role in ("target", "actual"):
        cell = repair_comparator(cell)  # `工5%`, `^80%`, `5=50%`: ≥ as OCR reads it
    elif role == "target_op":
        cell = repair_comparator(cell)  # `S` | 15 | 万元: a 指标性质 cell of a look-alike
    kind = "grades" if GRADE_SCALE.match(cell) else "boxes" if _CHECKBOXES.match(cell) else None
    kind = kind or kind_of(cell)
    return accepts(kind) and _known_unit(cell)


# A free-text cell (a reason) opens with no digit, point, percent or punctuation: those
# belong to the cell before it (`,保障…` is the rest of a name).
_NO_TEXT_START = ".%,，;；、。:：)）"


# role -> (grammar, whether the level's weight bounds it)
_NUMBERS: dict[str, tuple[regex.Pattern[str], bool]] = {
    "weight": (WEIGHT_OR_SHARE, True),
    "full_mark": (WEIGHT, True),
    "score": (SCORE, True),
    "score_item": (SCORE, True),
    "score_review": (SCORE, True),
    "weight_share": (SHARE, False),
    "coefficient": (COEFFICIENT, False),
}
_VALUE_KINDS = frozenset({"value", "percent", "number", "answer", "yesno"})  # 是
_KINDS: dict[str, Callable[[str], bool]] = {
    "target": lambda k: k in _VALUE_KINDS,
    "actual": lambda k: k in _VALUE_KINDS or k == "boxes",  # ☑达到 □未达到
    "completion": lambda k: k in _VALUE_KINDS - {"yesno"},
    "target_op": lambda k: k in ("operator", "nature"),
    "target_value": lambda k: k in ("number", "answer", "grades"),
    "target_unit": lambda k: k == "unit",
    "core": lambda k: k == "yesno",
}


# Adverbs that open a phrase printed as a target (`明显改善`, `逐步提高`): a name does not
# end with one, the phrase after it does not start without it.
_ADVERB_END = regex.compile(r"(?:明显|逐步|持续|基本|进一步|显著|稳步|全面|按时|按期|如期)$")


# A name may start with `指标1：` or a date; past that, a digit or a 指标性质 / grade list is
# the next cell run into the name (`及时性20按季度`, `带动作用定性优良中低`).
_DATE = r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?"
_NAME_LEAD = regex.compile(rf"^(?:指标\d{{1,2}}?[:：、.]?{_DATE}|指标\d{{1,2}}[:：、.]?|{_DATE})")
_NOT_IN_NAME = regex.compile(r"\d|定性|定量|优良中")
_SCORE_INSIDE = regex.compile(r"\d\.\d\d(?!\d)")


def is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _known_unit(cell: str) -> bool:
    """A number's unit is a unit (`万元`, `人次`, `%`, `万粒`), not the next cell's words run
    on (`2明显改善`, `13及时`: no value of 2 or 13)."""
    value = parse_value(cell)
    if not value.is_number or value.unit is None:
        return True
    return all(_one_unit(part) for part in value.unit.split("/"))


def _one_unit(unit: str) -> bool:
    bare = unit[1:] if len(unit) > 1 and unit[0] in "万千亿百" else unit
    if unit in UNITS or bare in UNITS:
        return True
    # one character: a measure word (亩, 粒, 所), unless it is an answer (好, 优, 是)
    return len(bare) == 1 and is_han(bare) and bare not in "好优良中差是否高低"


def _unit_first(cell: str) -> bool:
    """The cell opens with a unit that stands alone (`户120户8/`, `万元4474.25`): it ended
    the number before it. A word that merely starts like one (`个别项目`, `天气`) does not."""
    for k in (3, 2, 1):
        head, after = cell[:k], cell[k : k + 1]
        if len(head) == k and (head in UNITS or (k == 1 and is_unit(head))):
            return not after or not is_han(after) or cell[k:] == "无"
    return False


def _unit_start(cell: str) -> bool:
    """The cell opens with a unit (`次`, `万元`), whatever follows it."""
    return is_unit(cell[0]) or any(cell[:k] in UNITS for k in (2, 3))


def _within(cell: str, bound: Decimal | None) -> bool:
    value = parse_number(cell)
    return value is not None and (bound is None or value <= bound)


def _name(cell: str) -> bool:
    """An indicator name: text of two characters or more that does not end in a digit (the
    digits after a name are its target's) and is no value or phrase of its own."""
    return (
        len(cell) >= 2
        and cell != "指标"  # the word that numbers names (指标3…), no name of its own
        and bool(NAME_END.search(cell))
        and not VALUE_INSIDE.search(cell)
        and not cell.endswith("不")  # 不低于 starts the target
        and not _NOT_IN_NAME.search(_NAME_LEAD.sub("", cell))
        and not (_ADVERB_END.search(cell) and not cell.endswith("可持续"))
        and kind_of(cell) in ("text", "mixed")
        and not parse_value(cell).is_number
    )


def scored_with_weight(cells: tuple[tuple[str, str], ...], roles: tuple[str, ...]) -> bool:
    """Under a weight column, a row that prints its score prints its weight: a score is
    points out of the row's weight (`88` is no score 88 of a weight left blank)."""
    filled = {r for r, _ in cells}
    return "weight" not in roles or "score" not in filled or "weight" in filled


def decimals(text: str) -> int:
    """Digits after the point (`13.00`: 2): a column prints its numbers one way."""
    point = text.find(".")
    return 0 if point < 0 else len(text) - point - 1 - (text.endswith("%"))


def arithmetic(cells: tuple[tuple[str, str], ...]) -> bool | None:
    """Whether the family's printed arithmetic holds: 得分系数 × 权重 = 得分 (重庆), 单项得分 ×
    权重占比 = 折算得分 (河北); None where the cut has no such product. Only to choose among
    cuts: on a row read one way only, a product that does not hold is the family check's."""
    got = {r: parse_number(t) for r, t in cells}
    pairs = (("coefficient", "weight", Decimal(1)), ("score_item", "weight", Decimal("0.01")))
    for factor, weight, scale in pairs:
        a, b, score = got.get(factor), got.get(weight), got.get("score")
        if a is not None and b is not None and score is not None:
            return abs(a * b * scale - score) <= Decimal("0.01")
    return None


def consistent(cells: tuple[tuple[str, str], ...]) -> bool:
    """A score no larger than its weight; an actual in the target's unit when it has one;
    every border between two cells one the text proves (`_proven_border`)."""
    if not all(_proven_border(a, b) for a, b in itertools.pairwise(cells)):
        return False
    got = dict(cells)
    weight, score = parse_number(got.get("weight")), parse_number(got.get("score"))
    if weight is not None and score is not None and score > weight:
        return False
    target, actual = parse_value(got.get("target")), parse_value(got.get("actual"))
    if target.is_number and actual.is_number and actual.unit:
        return actual.unit == target.unit  # an actual prints no unit its target lacks
    return True


# Words that open a cell whatever came before: a comparator, 指标性质, yes / no.
_OPENERS = ("不低于", "不高于", "不少于", "不多于", "不超过", "不大于", "不小于", "大于", "小于",
            "高于", "低于", "定性", "定量", "是", "否")  # fmt: skip


_CHECKBOXES = regex.compile(r"^(?:[☑☐□■√✓✔]\s*[\p{Han}]{1,6}\s*){2,}$")
_DATE_GOES_ON = regex.compile(r"^(?:年\d{1,2}月|月\d{1,2}[日号])")
_PHRASE = 4  # characters of an answer phrase that proves where a name ended (`明显改善`)


def _proven_border(left: tuple[str, str], right: tuple[str, str]) -> bool:
    """Where two cells meet, whether the text proves the border. A date or a number's unit
    goes on across it (`2023年` | `12月…`, `758` | `次…`): no border there. Between two
    Chinese cells (`有效提升效果明显`) the border could be anywhere (`有效` | `提升效果明显`?)
    and is proven only by a closed word opening the right cell, or by a phrase of the answer
    grammar filling it after a name (`明显改善`, long enough to be no bare verb) or after an
    answer (`明显改善` | `达成预期指标`). Other borders (a digit, a sign) are the grammar's."""
    (left_role, left_text), (right_role, right_text) = left, right
    goes_on = _DATE_GOES_ON.match(left_text[-1] + right_text) or (
        left_text[-1].isdigit() and right_role != "target_unit" and _unit_start(right_text)
    )
    if goes_on or (left_role == "level3" and _comparator_left_behind(left_text, right_text)):
        return False
    if not (is_han(left_text[-1]) and is_han(right_text[0])):
        return True
    return _han_border(left_role, left_text, right_text)


# OCR's readings of ≥ and ≤ (TEMPLATES.md) that a Chinese name may also end with (农民工)
_COMPARATOR_LOOKALIKES = ("工", "^", "S")


def _comparator_left_behind(name: str, value: str) -> bool:
    """`中小学校舍服务人次工` | `3次`: a name ending in a look-alike of ≥ or ≤ before a number
    printed with no comparator of its own may have kept the target's comparator; where the
    cells ran together nothing shows which (`农民工` | `500人` reads the same)."""
    parsed = parse_value(value)
    return name.endswith(_COMPARATOR_LOOKALIKES) and parsed.is_number and parsed.op is None


def _han_border(left_role: str, left_text: str, right_text: str) -> bool:
    if right_text.startswith(_OPENERS) or right_text in ("无", "是", "否"):
        return True
    if kind_of(right_text) != "answer" and not GRADE_SCALE.match(right_text):
        return False
    if parse_value(left_text).status == "date":  # a date ends where no date goes on
        return True  # (9月前 | 按时完成; 9月 | 前按时完成 is no answer)
    if left_role == "level3":  # a bare verb (完成, 有效) may as well end the name before it
        return len(right_text) >= _PHRASE
    return kind_of(left_text) in ("answer", "yesno", "nature")  # 定性 | 有效: closed words
