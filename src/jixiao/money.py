"""Money: the units amounts are written in, reading an amount, and exact conversion.

The one place that knows 元/千元/万元/亿元 and how many 元 each is.  A table is written in one
money unit (``单位：万元``, :class:`MoneyUnit`); a cell or an indicator value may name its own
(``11110000元`` in a 万元 table), and is converted to the table's unit, exactly (``Decimal``),
never read as if it were in the table's unit.  Anything that is not a usable amount (text,
non-finite or absurd numbers) comes back with a reason, for the caller to report on its cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import overload

YUAN_PER_UNIT: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
}
"""Every money unit jixiao reads, and how many 元 one of it is."""

MAX_YUAN = Decimal(10) ** 13
"""More than 10 万亿元 in one cell is no budget of any unit: a typing or conversion error."""

NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+"
"""A written number: optional minus, optional thousands commas, optional decimals."""
_NUMBER = re.compile(NUMBER)
_WRITTEN = re.compile(rf"^(?P<number>{NUMBER})\s*(?P<unit>[千万亿]?元)?$")
_CURRENCY_NOTES = re.compile(r"[（(]?人民币[）)]?|RMB|CNY|¥|￥", re.IGNORECASE)
MAX_AMOUNT_TEXT = 40


class MoneyUnit(StrEnum):
    """The money unit a whole table is written in (``单位：万元``)."""

    WAN = "万元"
    YUAN = "元"

    @property
    def yuan(self) -> Decimal:
        """How many 元 one of this unit is."""
        return YUAN_PER_UNIT[self.value]


TABLE_UNITS: tuple[str, ...] = tuple(unit.value for unit in MoneyUnit)
"""What a table's 金额单位 may be (the template's list, the schema, the CLI's choices)."""


def unit_name(written: str | None) -> str | None:
    """A written money unit in its canonical spelling: ``元（人民币）`` → 元, ``万 元`` → 万元;
    None when it is not a money unit."""
    if not written:
        return None
    text = "".join(unicodedata.normalize("NFKC", written).split())
    text = _CURRENCY_NOTES.sub("", text)
    text = text.removeprefix("单位:").removeprefix("金额单位:")
    return text if text in YUAN_PER_UNIT else None


def table_unit(written: str | None) -> MoneyUnit | None:
    """A table's 金额单位 cell as a :class:`MoneyUnit`; None for anything else (亿元 included:
    no template offers it, so such a cell is reported rather than guessed)."""
    name = unit_name(written)
    return MoneyUnit(name) if name in TABLE_UNITS else None


def yuan_per(unit: str | None) -> Decimal | None:
    """How many 元 one ``unit`` is (also the money part of a rate like ``元/人``)."""
    if not unit:
        return None
    return YUAN_PER_UNIT.get(unit.split("/", 1)[0])


@overload
def convert(amount: Decimal, source: MoneyUnit | str, target: MoneyUnit | str) -> Decimal: ...
@overload
def convert(amount: None, source: MoneyUnit | str, target: MoneyUnit | str) -> None: ...
@overload
def convert(
    amount: Decimal | None, source: MoneyUnit | str, target: MoneyUnit | str
) -> Decimal | None: ...
def convert(
    amount: Decimal | None, source: MoneyUnit | str, target: MoneyUnit | str
) -> Decimal | None:
    """An amount from one money unit into another, exactly: 11110000 元 → 1111 万元."""
    if amount is None:
        return None
    return amount * YUAN_PER_UNIT[str(source)] / YUAN_PER_UNIT[str(target)]


def decimal_number(written: str) -> Decimal | None:
    """A written number (``1,616,387.84``) as Decimal; None unless it is a finite number."""
    if len(written) > MAX_AMOUNT_TEXT or not _NUMBER.fullmatch(written):
        return None
    try:
        value = Decimal(written.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass(frozen=True, slots=True)
class MoneyReading:
    """What a money cell says: the amount in the table's unit, or why it has none.

    ``written_unit`` is the unit the cell named itself (``元`` in ``11110000元``), if any."""

    amount: Decimal | None
    problem: str | None = None
    written_unit: str | None = None


BLANK = MoneyReading(None)


def number_reading(number: int | float | Decimal) -> MoneyReading:
    """A numeric cell, in the table's unit already."""
    try:
        value = Decimal(str(number)) if isinstance(number, float) else Decimal(number)
    except (InvalidOperation, ValueError, TypeError):
        return MoneyReading(None, "不是数字")
    if not value.is_finite():
        return MoneyReading(None, "不是有限的数字")
    return MoneyReading(value)


def parse_money(written: object, table: MoneyUnit = MoneyUnit.WAN) -> MoneyReading:
    """Read one money cell into the table's unit.

    Numbers are in the table's unit; text may carry thousands commas and its own unit
    (``1,616,387.84``, ``11110000元``, ``1.2亿元``, ``500 万元（人民币）``), which is converted.
    Blank is ``BLANK``; anything else has a ``problem``: text that is no amount, a non-finite
    number, or an amount beyond :data:`MAX_YUAN`.
    """
    if written is None or (isinstance(written, str) and not written.strip()):
        return BLANK
    if isinstance(written, bool):
        return MoneyReading(None, "是逻辑值（TRUE/FALSE），不是金额")
    if isinstance(written, int | float | Decimal):
        reading = number_reading(written)
    elif isinstance(written, str):
        reading = _text_reading(written, table)
    else:
        return MoneyReading(None, "不是金额")
    if reading.amount is not None and abs(reading.amount) * table.yuan > MAX_YUAN:
        return MoneyReading(None, "数额过大（超过 10 万亿元），请核对金额和单位")
    return reading


def _text_reading(written: str, table: MoneyUnit) -> MoneyReading:
    text = _CURRENCY_NOTES.sub("", "".join(unicodedata.normalize("NFKC", written).split()))
    text = text.rstrip("。.")
    match = _WRITTEN.match(text)
    number = decimal_number(match.group("number")) if match else None
    if match is None or number is None:
        return MoneyReading(None, "不是数字")
    unit = match.group("unit")
    if unit is None:
        return MoneyReading(number)
    converted = convert(number, unit, table)
    return MoneyReading(converted, written_unit=unit)
