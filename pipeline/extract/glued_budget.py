"""Header fields, budget block and total of a table whose cells ran together.

`项目名称X主管部门Y` is cut at its field labels; a budget header at its column words; a budget
row `年度资金总额86.4086.4086.4010100.00%10` where its amounts prove the cut; `合计100100.00`
into the weight total and the score. Anything not proven stays as it came.
"""

from __future__ import annotations

from decimal import Decimal

import regex

from pipeline.extract import headers as h
from pipeline.extract.glued_cells import LEADING_ZERO, RATE, SCORE, WEIGHT, alternation, split_words
from pipeline.extract.located import Text
from pipeline.extract.values import parse_number

TOTAL = regex.compile(
    r"^(?P<label>总分|合计|总计|总得分|自评总分)[:：]?(?P<rest>\d[\d.]*%?[\d.]*)$"  # 100%97.52
)
_BUDGET_WORDS = alternation({s for synonyms in h.BUDGET_COLUMNS.values() for s in synonyms})
_FIELD_WORDS: tuple[str, ...] = tuple(
    sorted({s for labels in h.FIELD_LABELS.values() for s in labels}, key=len, reverse=True)
)


def like(tok: Text, text: str) -> Text:
    """A piece of `tok`, printed where it was (with the run it was cut from as printed, when
    OCR look-alikes in it were repaired)."""
    return Text(text, tok.page, tok.line, tok.where, printed=tok.printed)


def ends_rows(line: list[Text]) -> bool:
    """A title or a glued total: the indicator rows stopped before it."""
    text = line[0].text
    return h.is_title(text) or (len(line) == 1 and TOTAL.match(text) is not None)


def preamble(
    line: list[Text], budget_columns: list[str], amounts: dict[str, str] | None = None
) -> list[Text]:
    """A glued field line (`项目名称X主管部门Y`) or budget header cut at its labels; a glued
    budget row cut where its amounts prove the cut; a total cut at its label.
    `budget_columns` is set to the columns of a budget header found here, `amounts` to the
    cells of its 年度资金总额 row by column where each number has its column."""
    if len(line) != 1:
        _budget_cells([t.text for t in line], budget_columns, amounts)
        return line
    tok = line[0]
    total = glued_total(line)
    if total is not None or TOTAL.match(tok.text):
        return total or line
    budget = split_words(tok.text, _BUDGET_WORDS)
    if budget is not None:
        found = (h.match_column(w, h.BUDGET_COLUMNS) for w in budget)
        budget_columns[:] = [c for c in found if c is not None]
        return [like(tok, w) for w in budget]
    fields = _fields(tok.text)
    if fields is not None:
        return [like(tok, w) for w in fields]
    row = budget_row(tok.text, budget_columns) if budget_columns else None
    if row:
        _budget_cells(row, budget_columns, amounts)
    return [like(tok, w) for w in row] if row else line


def _budget_cells(cells: list[str], columns: list[str], amounts: dict[str, str] | None) -> None:
    """The budget total row's numbers by column, when it prints one under every column."""
    if amounts is None or amounts or not columns or not h.is_label(cells[0], h.BUDGET_TOTAL_LABELS):
        return
    numbers = cells[1:]
    if len(numbers) == len(columns) and all(parse_number(n) is not None for n in numbers):
        amounts.update(zip(columns, numbers, strict=True))


def total_sums(
    line: list[Text], budget: dict[str, str], weighted: bool = True
) -> set[tuple[Decimal, ...]]:
    """What the indicator rows' weights and scores add up to, by the table's total row
    (`合计10097.96`, `合计 100 98.01`: weights, then score): (total weight, total score), or
    both less the budget block's own 分值 and 得分. Nothing where the total row prints one
    number only (a weight total or a score: not known which), unless the table has no weight
    column (`weighted` False, 湖北): then its one number is the score, (total score,) or
    less the budget block's 得分."""
    if len(line) == 1:
        found = TOTAL.match(line[0].text)
        numbers = _total(found["rest"]) if found else None
    else:  # printed with its spaces: the label, then its numbers
        numbers = [t.text for t in line[1:]] if TOTAL.match(line[0].text + "0") else None
    if not weighted:
        return _score_sums(numbers, budget)
    if not numbers or len(numbers) != 2:
        return set()
    weight, score = parse_number(numbers[0]), parse_number(numbers[1])
    if weight is None or score is None:
        return set()
    out: set[tuple[Decimal, ...]] = {(weight, score)}
    own_weight, own_score = parse_number(budget.get("weight")), parse_number(budget.get("score"))
    if own_weight is not None and own_score is not None:
        out.add((weight - own_weight, score - own_score))
    return out


def _score_sums(numbers: list[str] | None, budget: dict[str, str]) -> set[tuple[Decimal, ...]]:
    score = parse_number(numbers[0]) if numbers and len(numbers) == 1 else None
    if score is None:
        return set()
    own_score = parse_number(budget.get("score"))
    return {(score,)} | ({(score - own_score,)} if own_score is not None else set())


def glued_total(line: list[Text]) -> list[Text] | None:
    """A total row run into its numbers (`合计100100.00`, `合计100`) cut into its label and
    numbers; None for any other line, or a run of digits no one cut reads."""
    total = TOTAL.match(line[0].text) if len(line) == 1 else None
    numbers = _total(total["rest"]) if total else None
    if total is None or not numbers:
        return None
    return [like(line[0], total["label"]), *(like(line[0], n) for n in numbers)]


def _fields(text: str) -> list[str] | None:
    """`项目名称X主管部门Y实施单位Z` -> label, value, label, value …; None if it starts with
    no field label."""
    if not text.startswith(_FIELD_WORDS) or ":" in text or "：" in text:
        return None  # `项目名称：X` is read as label and value already
    marks = regex.compile("|".join(regex.escape(w) for w in _FIELD_WORDS))
    out: list[str] = []
    last = 0
    for found in marks.finditer(text):
        if found.start() > last:
            out.append(text[last : found.start()])
        out.append(found.group())
        last = found.end()
    if last < len(text):
        out.append(text[last:])
    return out if len(out) > 1 else None


_AMOUNTS = regex.compile(r"^(?P<label>\D*?)(?P<rest>\d[\d,.]*(?:%[\d.]*)?)(?P<tail>\D*)$")
_AMOUNT_COLUMNS = ("initial", "full_year", "executed")


def budget_row(text: str, columns: list[str]) -> list[str] | None:
    """`年度资金总额86.4086.4086.4010100.00%10` under 年初预算数 · 全年预算数 · 全年执行数 ·
    分值 · 执行率 · 得分 -> label, 86.40, 86.40, 86.40, 10, 100.00%, 10.

    Amounts glued together are cut only when they all print the same number of decimals
    (`86.40` `86.40`) and only one number of decimals leaves a rest that reads: then each
    ends that many digits after its point. What follows (分值, 执行率, 得分) is cut at the `%`
    of the rate, where only one cut gives a weight and a share."""
    found = _AMOUNTS.match(text)
    if not found or not budget_label(found["label"]):
        return None
    amounts = sum(1 for c in columns if c in _AMOUNT_COLUMNS)
    cuts = []
    for decimals in range(1, 5):
        numbers, rest = _amounts(found["rest"], amounts, decimals)
        after = _after_amounts(rest, columns) if len(numbers) >= 2 else None
        if after is not None:
            cuts.append([*numbers, *after])
    if len(cuts) > 1:  # several decimals read: keep those whose rate is executed / budget
        cuts = [c for c in cuts if _rate_fits(c, columns)]
    if len(cuts) != 1:
        return None
    tail = [found["tail"]] if found["tail"] else []
    return [found["label"], *cuts[0], *tail]


def _rate_fits(numbers: list[str], columns: list[str]) -> bool:
    """The printed rate within a point of 全年执行数 / 全年预算数 (only to choose among cuts:
    a rate that is wrong on a row read one way only is the check's to report)."""
    got = dict(zip(columns, numbers, strict=False))
    budget, executed = parse_number(got.get("full_year")), parse_number(got.get("executed"))
    rate = parse_number((got.get("rate") or "").rstrip("%"))
    if not budget or executed is None or rate is None:
        return False
    return abs(executed / budget * 100 - rate) <= 1


def _amounts(run: str, most: int, decimals: int) -> tuple[list[str], str]:
    """Up to `most` amounts at the start of `run` that each print `decimals` decimals, and
    the rest of the run."""
    pattern = regex.compile(rf"(?:\d{{1,3}}(?:,\d{{3}})+|[1-9]\d*|0)\.\d{{{decimals}}}(?![%])")
    out: list[str] = []
    at = 0
    while len(out) < most and (found := pattern.match(run, at)):
        out.append(found.group())
        at = found.end()
    return out, run[at:]


def _after_amounts(rest: str, columns: list[str]) -> list[str] | None:
    """分值 · 执行率 · 得分 after the amounts, as far as the header has them."""
    if not rest:
        return []
    pct = rest.find("%")
    if pct < 0 or "rate" not in columns:
        return None
    head, score = rest[: pct + 1], rest[pct + 1 :]
    weighted = "weight" in columns and columns.index("weight") < columns.index("rate")
    rate_alone = [head] if RATE.match(head) else None
    cut = _weight_and_rate(head) if weighted else rate_alone
    if cut is None or (score and not (SCORE.match(score) and "score" in columns)):
        return None
    return [*cut, *([score] if score else [])]


def _weight_and_rate(run: str) -> list[str] | None:
    """`10100.00%` -> 10, 100.00%: the one cut whose weight is a weight and rate a share."""
    cuts = [
        [run[:k], run[k:]]
        for k in range(1, len(run))
        if WEIGHT.match(run[:k]) and RATE.match(run[k:])
    ]
    return cuts[0] if len(cuts) == 1 else None


def budget_label(label: str) -> bool:
    """年度资金总额, 其中：财政拨款, 上年结转资金 …: the labels of a budget block's rows."""
    k = h.key(label).rstrip(":：")
    return (
        h.is_label(label, h.BUDGET_TOTAL_LABELS)
        or k.startswith("其中")
        or k.endswith(("资金", "拨款", "补助", "收入"))
    )


def _total(run: str) -> list[str] | None:
    """`100100.00` -> 100, 100.00 (weights, then score, as a 总分 row prints them); a run
    that reads as one number is one; None for a run with no cut or several."""
    if SCORE.match(run):
        return [run]
    if run.startswith("100%"):  # weights printed as shares (`总分100%97.52`)
        return ["100%", run[4:]] if SCORE.match(run[4:]) else None
    cuts = [
        [run[:k], run[k:]]
        for k in range(1, len(run))
        if run[:k] == "100" and SCORE.match(run[k:]) and not LEADING_ZERO.search(run[k:])
    ]
    return cuts[0] if len(cuts) == 1 else None
