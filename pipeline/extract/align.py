"""Cells of a row aligned to the header's column roles by what each cell is, not where it is.

Text that lost its grid keeps the cells of a row in printed order but drops the empty ones, so
a row of five cells may be printed as three. Like a sequence aligner, `align` matches the
cells in order to the roles the header printed (name, target, actual, weight, score and the
extra columns real forms carry): every cell takes one role its type fits (a name is text, a
weight a plain number, a comparator cell `≥` the 指标性质 column …), a role may be skipped at
the cost of a blank cell. Every alignment of least cost is kept: when two differ, the row is
ambiguous and is not emitted as if it were sure.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.extract import headers as h
from pipeline.extract.normalize import for_matching
from pipeline.extract.values import UNITS, parse_value

OPERATOR_ONLY = regex.compile(r"^(?:>=|<=|=|>|<|≥|≤|≧|≦|═|＝|＞|＜|＞＝|＜＝|﹦|=<|=>)$")
_NATURE = frozenset({"定性", "定量"})
_YES_NO = frozenset({"是", "否", "√", "×"})
# Ticked boxes answering a 是/否 question: `☑是 □否`, `☑达到 □未达到`, Wingdings `R是 £否`.
_CHECKBOXES = regex.compile(r"^(?:[☑☐□■✓✔√×£R]\s*\p{Han}{1,4}\s*){2,}$")
_UNIT_WORD = regex.compile(r"^[\p{Han}%‰a-zA-Z/²³]{1,5}$")

# Costs are integers so that equal costs are exactly equal (ties are ambiguity).
NEVER = 10_000
BLANK_VALUE = 20  # a target, actual, weight or score printed blank
BLANK_TEXT = 3  # a reason, description or rule left blank: common
BLANK_UNIT = 5  # 定性 rows print no 度量单位
UNIT_AS_VALUE = 25  # a target or actual that looks like a bare unit (及时): possible, unlikely

# What each kind of cell costs in each role (absent: the cell cannot take the role).
# A target or actual: a value, a number, a phrase (达到预期) or, rarely, a unit-like word (及时).
_VALUE_FIT = {"value": 0, "percent": 0, "number": 1, "text": 1, "answer": 1, "mixed": 2}
_VALUE_FIT |= {"yesno": 1, "unit": UNIT_AS_VALUE}
_TEXT_FIT = {"text": 0, "answer": 0, "mixed": 0, "yesno": 1, "unit": 1}

# What each kind of cell costs in each role (absent: the cell cannot take the role).
_FIT: dict[str, dict[str, int]] = {
    "level3": {"text": 0, "mixed": 0},  # a name: never a value nor an answer (已完成)
    "target": _VALUE_FIT,
    "actual": _VALUE_FIT,
    "weight": {"number": 0, "percent": 1},
    "score": {"number": 0},
    "target_op": {"operator": 0, "nature": 0},
    "target_value": {"number": 0, "text": 0, "answer": 0, "percent": 1, "value": 1},
    "target_unit": {"unit": 0, "text": 4},  # units are an open vocabulary
    "full_mark": {"number": 0},  # 河北 指标分值 (100) beside 权重占比
    "score_item": {"number": 0},
    "coefficient": {"number": 0},
    "score_review": {"number": 0},
    "core": {"yesno": 0},
}
_TEXT_ROLES = ("reason", "basis", "description", "rule_text", "completion")
_FIT |= dict.fromkeys(_TEXT_ROLES, _TEXT_FIT)

_BLANK: dict[str, int] = {
    "level3": NEVER,
    "target": BLANK_VALUE,
    "actual": BLANK_VALUE,
    "weight": BLANK_VALUE,
    "score": BLANK_VALUE,
    "target_op": BLANK_VALUE,
    "target_value": BLANK_VALUE,
    "target_unit": BLANK_UNIT,
    "core": BLANK_TEXT,
    **dict.fromkeys(_TEXT_ROLES, BLANK_TEXT),
}


def kind_of(text: str) -> str:
    """What a cell is: number | percent | value | operator | nature | unit | yesno | text |
    mixed (text with digits that is no value: `指标1:亮灯率`) | glued (a whole row run
    together, which fits no column). Judged on the text folded for matching: a mirror
    site's `場` or `指(zhǐ)標` is the 场 or 指标 it prints."""
    bare = for_matching(text)
    if runs_together(bare):
        return "glued"
    if OPERATOR_ONLY.match(bare):
        return "operator"
    if bare in _NATURE or bare in _YES_NO:
        return "nature" if bare in _NATURE else "yesno"
    if _CHECKBOXES.match(bare):
        return "yesno"
    return _kind_of_value(bare)


def _kind_of_value(bare: str) -> str:
    value = parse_value(bare)
    if value.is_number and value.op is None and value.unit in (None, "分", "%"):
        return "percent" if value.unit == "%" else "number"
    if value.is_number or value.status == "date":
        return "value"
    if _UNIT_WORD.match(bare) and all(is_unit(part) for part in bare.split("/")):
        return "unit"
    if value.status != "qual":
        return "mixed"
    return "answer" if _ANSWER.match(bare) else "text"


# Level labels long enough not to open an ordinary name (产出 and 效益 do: 产出数量(4分)).
LEVEL_WORDS = sorted(
    (w for w in h.LEVEL1_LABELS | h.LEVEL2_LABELS if len(w) >= 4), key=len, reverse=True
)


def runs_together(text: str) -> bool:
    """`产出指标时效指标路灯照明…2023年12月31日前`: a cell that opens with a level label and
    goes on with another label or with digits is a whole row whose cells ran together."""
    name = h.key(text)
    first = next((w for w in LEVEL_WORDS if name.startswith(w) and len(name) > len(w)), None)
    if first is None:
        return False
    rest = name[len(first) :]
    # `预算执行率100%` may be a name with its target inside; `满意度指标90%` is no name
    digits = first.endswith("指标") and bool(_DIGIT.search(rest))
    return digits or any(w in rest for w in LEVEL_WORDS)


_DIGIT = regex.compile(r"\d")


# An answer printed as a target or actual (已完成, 逐步提高, 达到预期, 良): never a name.
_ANSWER = regex.compile(
    r"^(?:已|未|基本|部分|全部|全面|按时|按期|如期|逐步|明显|有效|持续|完全|进一步|稳步|显著)?"
    r"(?:完成|达到|达成|实现|提高|提升|改善|有效|合格|达标|改进|增长|增加|加强|规范|健全|保障|发挥|"
    r"好转|优化|落实|到位|及时)"
    r"(?:预期|目标|指标|预期目标|预期指标|预期指标值|预期效果)?$|^(?:优|良|中|差|好|较好|优秀|良好)$"
)


MEASURE_WORDS = "台所项个次件场盏家座辆株棵册套处条批期篇份张间只头块"
_UNIT_ENDS = tuple({u[-1] for u in UNITS} | set(MEASURE_WORDS))


def is_unit(word: str) -> bool:
    """`万元`, `台`, `人次`, `%`: a 度量单位 cell (or one part of `万元/台`)."""
    return word in UNITS or (1 <= len(word) <= 2 and word.endswith(_UNIT_ENDS))


@dataclass(frozen=True, slots=True)
class Alignment:
    """role -> index of its cell in the row; the cost of the blanks and poor fits."""

    cost: int
    cells: tuple[tuple[str, int], ...]

    def get(self, role: str) -> int | None:
        return next((i for r, i in self.cells if r == role), None)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for r, _ in self.cells)


_MAX_KEPT = 4  # alignments of least cost kept per row: more than one is already ambiguous


def align(kinds: list[str], roles: tuple[str, ...]) -> list[Alignment]:
    """Every least-cost alignment of cells (in order) to roles (in order), at most a few."""
    n, k = len(kinds), len(roles)
    # best[i][j]: least-cost alignments of the first i cells to the first j roles
    best: list[list[tuple[int, list[tuple[tuple[str, int], ...]]]]] = [
        [(NEVER, []) for _ in range(k + 1)] for _ in range(n + 1)
    ]
    best[0][0] = (0, [()])
    for i in range(n + 1):
        for j in range(k + 1):
            if i == 0 and j == 0:
                continue
            options: list[tuple[int, list[tuple[tuple[str, int], ...]]]] = []
            if j > 0:  # role j-1 left blank
                cost, paths = best[i][j - 1]
                options.append((cost + _BLANK.get(roles[j - 1], BLANK_VALUE), paths))
            if i > 0 and j > 0:  # cell i-1 takes role j-1
                fit = _FIT.get(roles[j - 1], {}).get(kinds[i - 1])
                cost, paths = best[i - 1][j - 1]
                if fit is not None:
                    step = (roles[j - 1], i - 1)
                    options.append((cost + fit, [(*p, step) for p in paths]))
            least = min((c for c, p in options if p), default=NEVER)
            if least >= NEVER:
                continue
            # two columns of one role (`未完成原因分析` · `改进措施`, both reasons) give the
            # same reading twice: one reading, not two
            kept = list(dict.fromkeys(p for c, ps in options if c == least for p in ps))
            kept = kept[:_MAX_KEPT]
            best[i][j] = (least, kept)
    cost, paths = best[n][k]
    return [Alignment(cost, p) for p in paths] if cost < NEVER else []
