"""The value grammar of 自评表 cells: `>=5000人次`, `<=15.35万元`, `=97.3%`, `不断提高`.

`parse_value` never raises: every string becomes a `Value` whose `status` says whether it
was read (`number`, `qual`), is blank (`empty`) or could not be read (`unparsed`). The raw
text is always kept beside what was read from it.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

import regex

from pipeline.extract.normalize import for_matching

# Comparators as printed -> canonical. NFKC already folds ＞＝ ＜ ＝ to ASCII; the look-alikes
# below survive NFKC and are common in Word/WPS exports and OCR.
_OP_SYMBOLS: dict[str, str] = {
    ">=": ">=", "≥": ">=", "≧": ">=", "⩾": ">=", "=>": ">=",
    "<=": "<=", "≤": "<=", "≦": "<=", "⩽": "<=", "=<": "<=",
    "==": "=", "=": "=", "═": "=",
    ">": ">", "<": "<",
}  # fmt: skip
_OP_WORDS_BEFORE: dict[str, str] = {
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "大于等于": ">=", "大于或等于": ">=",
    "达到": ">=", "至少": ">=",
    "不高于": "<=", "不超过": "<=", "不大于": "<=", "小于等于": "<=", "小于或等于": "<=",
    "控制在": "<=", "低于": "<", "少于": "<", "小于": "<", "高于": ">", "大于": ">",
    "超过": ">", "等于": "=",
}  # fmt: skip
_OP_WORDS_AFTER: dict[str, str] = {
    "及以上": ">=", "以上": ">=", "以内": "<=", "及以下": "<=", "以下": "<=", "内": "<=",
}  # fmt: skip
# Each tried longest first (`>=` before `>`), sorted once here rather than for every cell.
_SYMBOLS_FIRST = sorted(_OP_SYMBOLS, key=len, reverse=True)
_WORDS_BEFORE_FIRST = sorted(_OP_WORDS_BEFORE, key=len, reverse=True)
_WORDS_AFTER_FIRST = sorted(_OP_WORDS_AFTER, key=len, reverse=True)

# unit -> (base unit, factor to base). Units not listed are kept as printed, base = itself.
UNITS: dict[str, tuple[str, Decimal]] = {
    "元": ("元", Decimal(1)), "万元": ("元", Decimal(10_000)), "亿元": ("元", Decimal(10**8)),
    "千元": ("元", Decimal(1000)), "百万元": ("元", Decimal(10**6)),
    "万元/年": ("元/年", Decimal(10_000)), "元/年": ("元/年", Decimal(1)),
    "元/人/月": ("元/人/月", Decimal(1)), "元/月": ("元/月", Decimal(1)),
    "万元/人": ("元/人", Decimal(10_000)), "元/人": ("元/人", Decimal(1)),
    "元/人/年": ("元/人/年", Decimal(1)), "元/次": ("元/次", Decimal(1)),
    "%": ("%", Decimal(1)), "‰": ("%", Decimal("0.1")),
    "人次": ("人次", Decimal(1)), "万人次": ("人次", Decimal(10_000)),
    "人": ("人", Decimal(1)), "万人": ("人", Decimal(10_000)), "名": ("人", Decimal(1)),
    "户": ("户", Decimal(1)), "万户": ("户", Decimal(10_000)),
    "小时": ("小时", Decimal(1)), "分钟": ("小时", Decimal(1) / Decimal(60)),
    "天": ("天", Decimal(1)), "日": ("天", Decimal(1)), "个工作日": ("天", Decimal(1)),
    "工作日": ("天", Decimal(1)), "周": ("天", Decimal(7)),
    "平方米": ("平方米", Decimal(1)), "万平方米": ("平方米", Decimal(10_000)),
    "亩": ("亩", Decimal(1)), "万亩": ("亩", Decimal(10_000)),
    "公里": ("公里", Decimal(1)), "千米": ("公里", Decimal(1)), "米": ("米", Decimal(1)),
    "吨": ("吨", Decimal(1)), "万吨": ("吨", Decimal(10_000)),
    "分": ("分", Decimal(1)),
}  # fmt: skip

_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+"
_VALUE_RE = regex.compile(rf"^(?P<num>{_NUMBER})\s*(?P<unit>[^\d\s].{{0,11}})?$", regex.DOTALL)
_PLACEHOLDERS = {"", "-", "—", "——", "–", "/", "／", "无", "空", "…", "……", "\\"}
_HAS_DIGIT = regex.compile(r"\d")
_UNIT_IN_LABEL = regex.compile(r"[(（]\s*([^()（）]{1,6}?)\s*[)）]")
_WEIGHT_IN_LABEL = regex.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
_UNIT_SHAPE = regex.compile(r"^[\p{Han}%‰a-zA-Z/·\.\(\)（）²³]{1,12}$")


ValueStatus = Literal["number", "date", "qual", "empty", "unparsed"]


@dataclass(frozen=True, slots=True)
class Value:
    """What one cell says. `status`: number | date | qual | empty | unparsed.

    For numbers, `value` is in `unit` as printed and `base` in `base_unit` (元 for money,
    人次 for 万人次 …). `op` is the comparator printed (None when none was).
    """

    raw: str
    status: ValueStatus
    op: str | None = None
    value: Decimal | None = None
    unit: str | None = None
    base: Decimal | None = None
    base_unit: str | None = None
    text: str | None = None  # the qualitative phrase, or the normalised text
    repaired: str | None = None  # OCR text as read after look-alike repair (`repair_ocr`)

    @property
    def is_number(self) -> bool:
        return self.status == "number"


def normalize(text: str) -> str:
    """NFKC (full-width digits, ＞＝ …), simplified characters without mirror-site pinyin,
    ★ markers or `(≥**人)` placeholders, no internal line breaks, trimmed: the text that is
    matched and parsed, never the text printed (`pipeline.extract.normalize`)."""
    return for_matching(text)


def parse_value(raw: str | None, *, ocr: bool = False, target: bool = False) -> Value:
    """Read one cell. Never raises; unreadable text comes back with status `unparsed`.

    `ocr`: the cell was read from a scan, so look-alikes are repaired first (`repair_ocr`;
    `target` for a target cell); `raw` stays the text as read, `repaired` what was parsed.
    """
    if raw is None:
        return Value(raw="", status="empty")
    fixed = repair_ocr(raw, target=target) if ocr else None
    try:
        value = _parse(fixed or raw)
    except (InvalidOperation, ValueError, OverflowError):  # pathological digit strings
        return Value(raw=raw, status="unparsed", text=raw)
    return dataclasses.replace(value, raw=raw, repaired=fixed) if fixed else value


# OCR look-alikes, repaired only where a comparator or a unit belongs (TEMPLATES.md: `≥` read
# as 2, 工 or ^; `%` as $; 10 as IO). A leading 2 is a comparator only when the number with
# it is an impossible share (`290%` is `≥90%`), since `25个` is as likely as `≥5个`.
_OCR_GE = regex.compile(r"^\s*(?:[工^]|2(?=(?:[1-9]\d?|100)(?:\.\d+)?\s*%\s*$))(?=\s*\d)")
# A lone `=` reads as 二 (two bars): before a number opening a target, 二 is no numeral.
_OCR_EQ = regex.compile(r"^\s*二(?=\s*\d)")
_OCR_PERCENT = regex.compile(r"(?<=\d)\s*\$")
_OCR_NUMBER = regex.compile(r"(?<![A-Za-z])[\dIlOo][\dIlOo.]*(?![A-Za-z])")


def repair_ocr(raw: str, *, target: bool) -> str | None:
    """`raw` with OCR look-alikes repaired (see above), or None when nothing was."""
    text = _OCR_EQ.sub("=", _OCR_GE.sub("≥", raw, count=1), count=1) if target else raw
    text = _OCR_PERCENT.sub("%", text)

    def digits(m: regex.Match[str]) -> str:
        token = m.group()
        fixed = token.translate(str.maketrans("IlOo", "1100"))
        return fixed if any(c.isdigit() for c in token) or len(token) > 1 else token

    text = _OCR_NUMBER.sub(digits, text)
    return text if text != raw else None


@functools.lru_cache(maxsize=8192)  # a table repeats its weights, scores and rates
def _parse(raw: str) -> Value:
    text = normalize(raw)
    if text in _PLACEHOLDERS:
        return Value(raw=raw, status="empty")
    date = _date(raw, text)
    if date is not None:
        return date
    body, op = _strip_operator(text)
    match = _VALUE_RE.match(body.replace(" ", ""))
    if match:
        unit_text = (match["unit"] or "").strip()
        unit_text, op_after = _strip_trailing_operator(unit_text)
        op = op or op_after
        if unit_text == "" or _UNIT_SHAPE.match(unit_text):
            return _number(raw, op, match["num"], unit_text or None)
    if not _HAS_DIGIT.search(text):
        return Value(raw=raw, status="qual", op=op, text=body or text)
    return Value(raw=raw, status="unparsed", op=op, text=text)


# A deadline or a completion date: 2023年12月31日前, 11月底, 12月中旬, 6月份完成. The text
# must start with the date and end with at most a short remark (前, 以前, 完成 …).
_DATE = regex.compile(
    r"^(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?(?P<month>\d{1,2})\s*月"
    r"(?:\s*(?P<day>\d{1,2})\s*[日号]|\s*(?P<part>底|末|份|上旬|中旬|下旬))?"
    r"\s*(?P<rest>\D{0,6})$"
)
_DEADLINE_WORDS = ("以前", "之前", "以内", "之内", "前", "内")  # longest first
_DATE_REMARKS = ("", "完成", "已完成", "前完成", "完工", "截止", "止")
_PART_DAY = {"底": 31, "末": 31, "份": 31, "上旬": 10, "中旬": 20, "下旬": 31}


def _date(raw: str, text: str) -> Value | None:
    """A date as `status="date"`: `value` is yyyymmdd (mmdd when no year is printed), `unit`
    says which; `op` is <= for a deadline (…前, …以内)."""
    found = _DATE.match(text.replace(" ", ""))
    if found is None:
        return None
    month = int(found["month"])
    day = int(found["day"]) if found["day"] else _PART_DAY.get(found["part"] or "", 31)
    rest = found["rest"] or ""
    op = None
    for word in _DEADLINE_WORDS:
        if rest.startswith(word):
            op, rest = "<=", rest[len(word) :]
            break
    if not (1 <= month <= 12 and 1 <= day <= 31) or rest not in _DATE_REMARKS:
        return None
    ordinal = month * 100 + day
    unit = "月日"
    if found["year"]:
        ordinal += int(found["year"]) * 10_000
        unit = "年月日"
    value = Decimal(ordinal)
    return Value(raw=raw, status="date", op=op, value=value, unit=unit, base=value, base_unit=unit)


def _strip_operator(text: str) -> tuple[str, str | None]:
    for symbol in _SYMBOLS_FIRST:
        if text.startswith(symbol):
            return text[len(symbol) :].strip(), _OP_SYMBOLS[symbol]
    for word in _WORDS_BEFORE_FIRST:
        if text.startswith(word) and _HAS_DIGIT.search(text[len(word) :][:3]):
            return text[len(word) :].strip(), _OP_WORDS_BEFORE[word]
    return text, None


def _strip_trailing_operator(unit: str) -> tuple[str, str | None]:
    for word in _WORDS_AFTER_FIRST:
        if unit.endswith(word):
            return unit[: -len(word)].strip(), _OP_WORDS_AFTER[word]
    return unit, None


def _number(raw: str, op: str | None, num: str, unit: str | None) -> Value:
    value = Decimal(num.replace(",", ""))
    base_unit, factor = UNITS.get(unit or "", (unit, Decimal(1)))
    return Value(
        raw=raw,
        status="number",
        op=op,
        value=value,
        unit=unit,
        base=value * factor,
        base_unit=base_unit,
    )


def parse_number(raw: str | None) -> Decimal | None:
    """A bare number from a weight, score, rate or amount cell (`10.00分`, `99.63%`, `1,632.63`)."""
    parsed = parse_value(raw)
    return parsed.value if parsed.is_number and parsed.op in (None, "=") else None


def unit_in_label(label: str) -> str | None:
    """The unit a header or label declares in brackets: `项目资金（万元）` -> 万元."""
    found = _UNIT_IN_LABEL.search(normalize(label))
    if found and found.group(1) in UNITS:
        return found.group(1)
    return None


def weight_in_label(label: str) -> tuple[str, Decimal | None]:
    """Split a label that carries its weight: `产出指标(50分)` -> (产出指标, 50)."""
    text = normalize(label)
    found = _WEIGHT_IN_LABEL.search(text)
    if not found:
        return text, None
    return text[: found.start()].strip(), Decimal(found.group(1))
