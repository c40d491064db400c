"""How a raw spreadsheet cell becomes what the engine reads: the one cell-input module.

The workbook reader (python-calamine, openpyxl) and the worksheet functions (xlwings) hand their
raw cell values here, so a cell means the same to a file check and to a live UDF.  What arrives:
None or "" for blanks, int/float numbers, Decimal from currency formats, bool, date/datetime
for date cells, time/timedelta, str, error values (text ``#REF!`` or the COM error integers
xlwings passes through), and from xlwings a 1×1 range as a nested list.

* :func:`text` — the cell as the clerk sees it: ``2024`` not ``2024.0``, a date cell as
  ``2024-12-31``, an error as ``#REF!``; None when blank.
* :func:`money` — a money cell in the table's unit (:func:`jixiao.money.parse_money`).
* :func:`plan_percent` — a 资金支出计划 cell: a %-formatted number is a fraction (0.25 → 25);
  text counts only with its % sign (``25%``); anything else is kept as text for the finding.
* :func:`year` — a 预算年度 cell.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from jixiao.money import MoneyReading, MoneyUnit, decimal_number, parse_money

ERROR_TEXTS: tuple[str, ...] = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
)
"""Spreadsheet error values as text (what a file or a formula shows)."""
_COM_ERRORS: dict[int, str] = {
    -2146826288: "#NULL!",
    -2146826281: "#DIV/0!",
    -2146826273: "#VALUE!",
    -2146826265: "#REF!",
    -2146826259: "#NAME?",
    -2146826252: "#NUM!",
    -2146826246: "#N/A",
}
"""Excel's CVErr codes as the integers COM hands to Python (xlErrRef 2023 → -2146826265)."""
PERCENT_SIGNS = ("%", "％")
PERCENT_DIGITS = 6
"""A %-cell's fraction is rounded to 6 places: a SUM's 0.9999999999999999 is 100%, as the
template's own formula (tolerance 1e-5) sees it."""


def first(value: object) -> object:
    """A single cell's value, also when a 1×1 range arrives as a (nested) list."""
    while isinstance(value, list | tuple):
        if not value:
            return None
        value = value[0]
    return value


def error_text(value: object) -> str | None:
    """``#REF!`` for an error value (text or COM integer), else None."""
    value = first(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _COM_ERRORS.get(value)
    if isinstance(value, str) and value.strip().upper() in ERROR_TEXTS:
        return value.strip().upper()
    return None


def is_blank(value: object) -> bool:
    """Nothing typed: None, empty or whitespace-only text."""
    value = first(value)
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str | None:
    """The cell as the clerk sees it, stripped; None when blank."""
    if type(value) is str:  # most cells: the same answer as below, without the type tests
        written = value.strip()
        if written[:1] == "#" and written.upper() in ERROR_TEXTS:
            return written.upper()
        return written or None
    value = first(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    error = error_text(value)
    if error:
        return error
    if isinstance(value, float | Decimal) and _whole(value):
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()  # a date cell: 2024-12-31, not 2024-12-31T00:00:00
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    written = str(value).strip()
    return written or None


def _whole(number: float | Decimal) -> bool:
    """A whole number small enough to show without exponent (Excel shows 15 digits)."""
    if isinstance(number, float):
        return number.is_integer() and abs(number) < 1e15
    return number.is_finite() and number == number.to_integral_value() and abs(number) < 10**15


def money(value: object, table: MoneyUnit = MoneyUnit.WAN) -> MoneyReading:
    """A money cell (number, currency-formatted Decimal, or text with its own unit) in the
    table's unit; dates, times, errors and logical values are not amounts."""
    value = first(value)
    error = error_text(value)
    if error:
        return MoneyReading(None, f"是错误值 {error}")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return MoneyReading(None, "是日期或时间，不是金额")
    return parse_money(value, table)


def plan_percent(value: object) -> tuple[Decimal | None, str | None]:
    """A 资金支出计划 cell → (percent 0–100 or None, the text when it is not a clean number).

    A number is a %-formatted fraction (0.25 → 25).  Text counts only with its % sign:
    a bare ``25`` is ambiguous (25% or 2500%?), and the template's own formula flags it too.
    Blank is (None, None); anything unreadable is (None, what was written).
    """
    kind = type(value)
    if kind is float or kind is int or kind is str:  # the same few plans on every sheet
        return _remembered_plan_percent(kind, value)
    return _plan_percent(value)


@lru_cache(maxsize=4096)
def _remembered_plan_percent(kind: type, value: object) -> tuple[Decimal | None, str | None]:
    """:func:`_plan_percent` remembered; ``kind`` in the key keeps 1 and 1.0 apart (they are
    equal, and their texts differ).  The answer is immutable, so sharing it is safe."""
    return _plan_percent(value)


def _plan_percent(value: object) -> tuple[Decimal | None, str | None]:
    value = first(value)
    if is_blank(value):
        return None, None
    written = text(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if error_text(value) is None:
            percent = _fraction_to_percent(value)
            if percent is not None:
                return percent, None
        return None, written
    if isinstance(value, str):
        stripped = "".join(value.split())
        if stripped.endswith(PERCENT_SIGNS):
            number = decimal_number(stripped[:-1].translate(FULL_WIDTH_DIGITS))
            if number is not None:
                return number, written
    return None, written


FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
"""Full-width digits and signs as typed with a Chinese input method, made ASCII."""


def _fraction_to_percent(value: int | float | Decimal) -> Decimal | None:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite() or abs(number) > 10**6:
            return None  # a fraction beyond a million percent is no plan
        return round(number * 100, PERCENT_DIGITS).normalize()
    except (InvalidOperation, ValueError):
        return None


def year(value: object) -> int | None:
    """A 预算年度 cell (2024, 2024.0, ``2024``, ``２０２４`` or ``2024年``) → 2024; None unless
    plausible.  Full-width digits count as digits (as typed with a Chinese input method);
    other lookalikes (superscripts) do not."""
    written = text(value)
    if not written:
        return None
    written = "".join(written.translate(FULL_WIDTH_DIGITS).split())  # (2024 年: review16)
    written = written.removesuffix("年度").removesuffix("年")
    if not (written.isascii() and written.isdigit() and len(written) == 4):
        return None
    number = int(written)
    return number if 1990 <= number <= 2100 else None
