"""How a number prints in the report, in one place for HTML, Markdown and Excel.

Each stored column has one `NumberFormat`, chosen by its name (`format_of`): scores and
totals with two decimals, budget amounts with two to four, exact 元 with two, rates as
percentages, weights and other counts as Excel's General shows them. `text` is what diff.html
and diff.md print; `excel` is the number format diff.xlsx gives the cell (the value itself
stays a number, so Excel sorts and sums it), and Excel displays it as `text` reads.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

Number = float | int | Decimal
_WIDE = Context(prec=400)  # room for any float's digits: a report never fails on a number
_QUANTUM = [Decimal(1).scaleb(-places) for places in range(10)]


@dataclass(frozen=True, slots=True)
class NumberFormat:
    places: int = 2  # decimals always shown
    extra: int = 0  # further decimals shown only when not zero (Excel's `#`)
    grouped: bool = True  # thousands separators
    percent: bool = False  # a fraction shown as a percentage (0.928 -> 92.80%)
    general: bool = False  # as Excel's General: up to 10 significant digits, no padding

    def text(self, value: Number | None) -> str:
        """`value` as the report prints it; "" for null."""
        if value is None:
            return ""
        if self.general:
            return _general(float(value))
        digits = self.places + self.extra
        shown = self._plain(value, digits)
        if shown is None:
            return str(value)
        for _ in range(self.extra):
            if shown.endswith("0"):
                shown = shown[:-1]
        shown = shown.removesuffix(".")
        if shown.lstrip("-").strip("0.,") == "":  # -0.00: Excel shows no sign on a zero
            shown = shown.lstrip("-")
        return shown + ("%" if self.percent else "")

    def _plain(self, value: Number, digits: int) -> str | None:
        """`value` with `digits` decimals, rounded half away from zero on its shortest decimal
        form (2.675 -> 2.68), as Excel rounds what it displays; None when not finite."""
        spec = f",.{digits}f" if self.grouped else f".{digits}f"
        if isinstance(value, float | int) and not self.percent:
            shortest = repr(value)  # 1e+300, inf and nan take the long way
            plain = "e" not in shortest and "n" not in shortest
            if plain and len(shortest.partition(".")[2]) <= digits:
                return format(value, spec)  # nothing to round: the float prints exactly
        exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        if not exact.is_finite():
            return None
        exact = exact * 100 if self.percent else exact
        return format(exact.quantize(_QUANTUM[digits], ROUND_HALF_UP, _WIDE), spec)

    @property
    def excel(self) -> str:
        """The Excel number format code that displays a value as `text` prints it."""
        if self.general:
            return "General"
        whole = "#,##0" if self.grouped else "0"
        decimals = "0" * self.places + "#" * self.extra
        return whole + (f".{decimals}" if decimals else "") + ("%" if self.percent else "")


def _general(number: float) -> str:
    """Excel's General for the numbers a report holds: up to 10 significant digits, trailing
    zeros dropped, no thousands separators."""
    shown = f"{number:.10g}"
    if "e" in shown:  # Excel writes 1E+20, Python 1e+20
        mantissa, exponent = shown.split("e")
        return f"{mantissa}E{exponent[0]}{exponent[1:].lstrip('0').rjust(2, '0')}"
    return "0" if shown == "-0" else shown


SCORE = NumberFormat(2)
MONEY = NumberFormat(2, extra=2)  # budget amounts as printed, in their unit: 2 to 4 decimals
YUAN = NumberFormat(2)
RATE = NumberFormat(2, grouped=False, percent=True)
GENERAL = NumberFormat(general=True)
INTEGER = NumberFormat(0, grouped=False)

# (name prefix or suffix, format), first match wins.
_BY_NAME: tuple[tuple[str, NumberFormat], ...] = (
    ("_yuan", YUAN),
    ("exec_rate", RATE),
    ("budget_", MONEY),
    ("weight", GENERAL),
    ("score", SCORE),
    ("total", SCORE),
    ("delta", SCORE),
)


@functools.cache
def format_of(column: str, integer: bool = False) -> NumberFormat:
    """The format of a stored column, by its name; `integer` columns (counts, pages, years)
    print as integers, any other number as General."""
    for affix, fmt in _BY_NAME:
        if column.startswith(affix) or column.endswith(affix):
            return fmt
    return INTEGER if integer else GENERAL


def fmt(value: Number | None, column: str) -> str:
    """`value` of `column` as the report prints it everywhere."""
    return format_of(column, isinstance(value, int)).text(value)
