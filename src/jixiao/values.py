"""The 指标值 grammar: parse a free-text indicator value into symbol, number, unit, text, deadline.

Published values mix everything in one cell: ``≥500 件``, ``≤1111万元``, ``$\\geq 85\\%$``,
``不低于90%``, ``持续保障``, ``2023年底前``, ``≥90 较上一年提高``.  The budget system stores them
as separate fields (计算符号, 指标值, 计量单位), so every rule works on a :class:`ParsedValue`.
:func:`parse_value` never raises; :func:`format_value` writes the canonical form back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from jixiao.money import NUMBER, YUAN_PER_UNIT, MoneyUnit, convert, yuan_per

MAX_PARSED_LENGTH = 500
"""Longer values are not indicator values but prose; they are kept whole as qualitative text."""


class Symbol(StrEnum):
    """The comparison symbol (计算符号) of a quantitative value."""

    GE = "≥"
    LE = "≤"
    EQ = "="
    GT = ">"
    LT = "<"

    @property
    def is_upper_bound(self) -> bool:
        """True for ≤ and <: the value caps what is spent or how long it takes."""
        return self in (Symbol.LE, Symbol.LT)

    @property
    def is_lower_bound(self) -> bool:
        """True for ≥ and >: the value is a floor to reach."""
        return self in (Symbol.GE, Symbol.GT)


class ValueKind(StrEnum):
    """What a 指标值 is: a number with a symbol, a text, a deadline, or a wrong mix of both."""

    EMPTY = "empty"
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"
    DEADLINE = "deadline"
    MIXED = "mixed"


# Prefix spellings seen in the wild, mapped to the canonical symbol; matched longest first.
_PREFIX_SYMBOLS: dict[str, Symbol] = {
    "大于或等于": Symbol.GE,
    "大于等于": Symbol.GE,
    "不低于": Symbol.GE,
    "不少于": Symbol.GE,
    "不小于": Symbol.GE,
    "至少": Symbol.GE,
    "≥": Symbol.GE,
    ">=": Symbol.GE,
    "=>": Symbol.GE,
    "≧": Symbol.GE,
    "⩾": Symbol.GE,
    "小于或等于": Symbol.LE,
    "小于等于": Symbol.LE,
    "不高于": Symbol.LE,
    "不超过": Symbol.LE,
    "不多于": Symbol.LE,
    "不大于": Symbol.LE,
    "≤": Symbol.LE,
    "<=": Symbol.LE,
    "=<": Symbol.LE,
    "≦": Symbol.LE,
    "⩽": Symbol.LE,
    "==": Symbol.EQ,
    ",=": Symbol.EQ,
    "=": Symbol.EQ,
    "等于": Symbol.EQ,
    ">": Symbol.GT,
    "超过": Symbol.GT,
    "高于": Symbol.GT,
    "大于": Symbol.GT,
    "<": Symbol.LT,
    "低于": Symbol.LT,
    "小于": Symbol.LT,
}
_SUFFIX_SYMBOLS: dict[str, Symbol] = {
    "及以上": Symbol.GE,
    "以上": Symbol.GE,
    "及以下": Symbol.LE,
    "以下": Symbol.LE,
    "以内": Symbol.LE,
    "之内": Symbol.LE,
    "内": Symbol.LE,
}

PERCENT = "%"
COUNT_UNITS: tuple[str, ...] = (
    "人次",
    "户次",
    "件次",
    "个工作日",
    "工作日",
    "个月",
    "小时",
    "分钟",
    "平方米",
    "立方米",
    "公里",
    "千米",
    "公顷",
    "课时",
    "学时",
    "人",
    "件",
    "次",
    "个",
    "台",
    "套",
    "辆",
    "批",
    "部",
    "场",
    "份",
    "户",
    "项",
    "天",
    "日",
    "年",
    "月",
    "周",
    "所",
    "家",
    "篇",
    "条",
    "期",
    "张",
    "本",
    "册",
    "名",
    "宗",
    "起",
    "处",
    "座",
    "间",
    "栋",
    "米",
    "吨",
    "只",
    "头",
    "株",
    "棵",
    "盏",
    "块",
    "节",
    "岗",
    "支",
    "组",
    "类",
    "种",
    "幅",
    "卷",
    "例",
    "笔",
    "单",
    "枚",
    "届",
    "轮",
    "段",
    "亩",
    "分",
    "倍",
    "页",
    "封",
    "箱",
    "袋",
    "GB",
    "TB",
    "MB",
    "M",
    "km",
    "m2",
    "m³",
    "m",
)
"""Units of counts, durations and sizes (计量单位) besides money and %."""

_UNIT_ALIASES: dict[str, str] = {"百分比": PERCENT, "％": PERCENT}
_RATIO_UNITS: tuple[str, ...] = ("%", "‰", "百分点", "百分比")
_MULTIPLIERS: dict[str, Decimal] = {"万": Decimal(10000), "亿": Decimal(100000000)}

_BASE_UNITS = sorted(
    [*YUAN_PER_UNIT, *COUNT_UNITS, *_RATIO_UNITS, *_UNIT_ALIASES], key=len, reverse=True
)
_UNIT = "(?:" + "|".join(map(re.escape, _BASE_UNITS)) + ")"
_QUANTITY = re.compile(
    rf"(?P<number>{NUMBER})(?P<mult>[万亿](?!元))?"
    rf"(?P<unit>{_UNIT}(?:(?:/|每){_UNIT}(?:[·•]{_UNIT})?)?)?"
    rf"(?P<rate>(?:/|每){_UNIT})?"
)
_PREFIX = re.compile("|".join(map(re.escape, sorted(_PREFIX_SYMBOLS, key=len, reverse=True))))
_SUFFIX = re.compile("(?:" + "|".join(map(re.escape, _SUFFIX_SYMBOLS)) + ")$")
PERIOD_SEPARATORS = "-—–~〜至到"
"""What joins the two months of a period (``1-12月``, ``1至6月``, ``1月—12月``), after NFKC."""
_FROM_MONTH = r"(?:(?P<first>\d{1,2})(?:月(?:\d{1,2}日)?)?[" + PERIOD_SEPARATORS + r"]+)?"
"""The first month of a span (``1-``, ``1月至``, ``1月1日-``) before the month a deadline is
read at (review18: ``2024年1月1日-2024年12月31日`` was read at January)."""
_UNTIL_YEAR = r"(?:(?P<until>(?:19|20)\d{2})年(?:度)?)?"
"""The year repeated after a span's separator (``2024年1月-2024年12月``): the span ends in it."""
_YEAR = re.compile(
    r"(?P<year>(?:19|20)\d{2})年(?:度)?(?:" + _FROM_MONTH + _UNTIL_YEAR + r"(?P<month>\d{1,2})月)?"
)
_MONTH = re.compile(
    r"(?:在|于|全年)?" + _FROM_MONTH + r"(?P<month>\d{1,2})月(?:\d{1,2}日)?"
    r"(?:底|末|份|前|之前|以前|内|完成)"
)
_DATE = re.compile(
    r"^(?:在|于)?((?:19|20)\d{2})[-./](\d{1,2})(?:[-./](\d{1,2}))?(?:日)?"
    r"(?:前|之前|以前|底|末|内|完成)*$"
)
_LEAD_WORDS = ("", "在", "于", "截至", "截止")
_CHINESE_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_CHINESE_YEAR = re.compile("([" + "".join(_CHINESE_DIGITS) + "]{4})年")
"""A year written in Chinese numerals (``二〇二三年底前``), read as its digits for the deadline
patterns (review14: it was text, and ``二零二四年12月底前`` a mixed value, an error)."""
_PERIOD = re.compile(
    r"^(?:在|于|全年)?(\d{1,2})(?:月(?:\d{1,2}日)?)?["
    + PERIOD_SEPARATORS
    + r"]+(\d{1,2})月(?:\d{1,2}日)?$"
)
"""A period of months without a year (``1-12月``, ``1月1日-12月31日``): a time target, read as a
deadline at its last month (review14: it was a number 1 and the text ``-12月``, an error; the
days, after the session-9 review: ``1月1日至12月31日`` was value-mixed, an error)."""
_INCLUSIVE_MARK = r"\((?:包?含|包括)(?:本数)?\)"
_INCLUSIVE = re.compile(_INCLUSIVE_MARK + r"(?=(?:以上|以下|以内|内)?$)")
"""``（含）`` after a value: the bound is included, which ≥/≤ already say (review14: ``≥99%（含）``
was a number and the text ``(含)``, an error)."""
_INCLUSIVE_ANYWHERE = re.compile(_INCLUSIVE_MARK)
"""``（含）`` in a deadline or a span of months (``1-12月（含）``, ``12月（含）前``): a date is a
point, so "inclusive" adds nothing and is dropped before the deadline is read (issue 15's
grammar gaps: ``1-12月（含）`` was a number 1 and the text ``-12月(含)``, an error).  After a
strict > or < it is left in place, as for a quantity: the two contradict each other."""
_DEADLINE_WORD = re.compile(r"底|末|前|截止|之内|以内|完成")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,20}(?:\s[^<>]{0,200})?/?>")
"""A converter's HTML tag (``<br>``, ``<td colspan=2>``, ``</sup>``); ``<优秀>`` is no tag."""
_LATEX_WRAPPER = re.compile(r"\\(?:text|mathrm|mathbf|rm)\s*\{([^{}]*)\}")
_LATEX: tuple[tuple[str, str], ...] = (
    ("\\geqslant", "≥"),
    ("\\leqslant", "≤"),
    ("\\geq", "≥"),
    ("\\leq", "≤"),
    ("\\ge", "≥"),
    ("\\le", "≤"),
    ("\\%", "%"),
    ("\\times", "×"),
    ("\\,", ""),
    ("\\;", ""),
    ("\\ ", ""),
    ("$", ""),
    ("{", ""),
    ("}", ""),
)
_LATEX_SYMBOLS = {latex[1:]: plain for latex, plain in _LATEX[:6]}
_LATEX_COMMAND = re.compile(
    r"\\(" + "|".join(sorted(_LATEX_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])\s*"
)
"""A comparison command and the spaces after it: ``\\geq 85`` → ``≥85``."""
_TRAILING_PUNCT = "。；;，,、.！!"
_GRADING_NOTE = re.compile(r"^(?:为|即为|视为|算)(?:优秀?|良好?|合格|达标|满分)$")


@dataclass(frozen=True, slots=True)
class Deadline:
    """A date a target must be reached by (``2023年底前`` → year 2023)."""

    year: int | None
    month: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """A 指标值 split into its parts; ``raw`` is what was written."""

    raw: str
    kind: ValueKind
    symbol: Symbol | None = None
    number: Decimal | None = None
    unit: str | None = None
    text: str | None = None
    deadline: Deadline | None = None
    bare_wan: bool = False
    symbol_implied: bool = False
    note: str | None = None
    """A grading phrase after the value (``≥85% 为优``): not part of the target itself."""

    @property
    def is_percent(self) -> bool:
        """True when the unit is % (written ``%`` or ``百分比``)."""
        return self.unit == PERCENT

    @property
    def is_money(self) -> bool:
        """True when the unit is a money unit (元, 万元, 亿元, also per-unit like 元/人)."""
        return yuan_per(self.unit) is not None

    @property
    def is_per_unit(self) -> bool:
        """True for rates like ``元/人``."""
        return self.unit is not None and "/" in self.unit

    @property
    def canonical(self) -> str:
        """The canonical spelling, see :func:`format_value`."""
        return format_value(self)


def strip_markup(raw: str) -> str:
    """Converter residue removed, the text otherwise as written: HTML tags and LaTeX
    (``$\\geq 85\\%$ 为优`` → ``≥85% 为优``).  What the importers store in a cell."""
    text = _HTML_TAG.sub("", raw)
    if "\\" in text or "$" in text:
        text = _LATEX_WRAPPER.sub(r"\1", text)
        text = _LATEX_COMMAND.sub(lambda m: _LATEX_SYMBOLS[m.group(1)], text)
        for latex, plain in _LATEX:
            text = text.replace(latex, plain)
    return text


def normalize_text(raw: str) -> str:
    """Undo converter residue: HTML tags, LaTeX, full-width forms, whitespace, trailing 。"""
    text = unicodedata.normalize("NFKC", strip_markup(raw))
    text = "".join(text.split())
    return text.rstrip(_TRAILING_PUNCT)


def _canonical_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    unit = unit.replace("每", "/").replace("•", "·")
    head, sep, tail = unit.partition("/")
    return _UNIT_ALIASES.get(head, head) + sep + tail


@lru_cache(maxsize=65536)
def parse_value(raw: object) -> ParsedValue:
    """Parse one 指标值.  Never raises: anything unreadable becomes qualitative text."""
    original = "" if raw is None else str(raw)
    if not original.strip():
        return ParsedValue(original, ValueKind.EMPTY)
    if len(original) > MAX_PARSED_LENGTH:
        return ParsedValue(original, ValueKind.QUALITATIVE, text=original.strip())
    text = normalize_text(original)
    symbol: Symbol | None = None
    prefix = _PREFIX.match(text)
    if prefix:
        symbol = _PREFIX_SYMBOLS[prefix.group()]
        text = text[prefix.end() :]
    return _parse_after_symbol(original, text, symbol)


def _parse_after_symbol(original: str, text: str, symbol: Symbol | None) -> ParsedValue:
    # After a symbol only a date that starts with its year is a deadline (``≤2019年12月``: no
    # later than); ``≤12月`` stays a duration of 12 months.
    if "年" in text:
        text = _CHINESE_YEAR.sub(_arabic_year, text)
    dated_text = text
    if "(" in text and symbol not in (Symbol.GT, Symbol.LT):
        dated_text = _INCLUSIVE_ANYWHERE.sub("", text)
    dated = symbol is None or _YEAR.match(dated_text) or _DATE.match(dated_text)
    deadline = _deadline(dated_text) if dated else None
    if deadline is not None:
        return ParsedValue(
            original, ValueKind.DEADLINE, symbol, text=original.strip(), deadline=deadline
        )
    quantity = _QUANTITY.match(text)
    if quantity is None:
        return _parse_text(original, text, symbol)
    # Any number the pattern matched is read, however long: a value of 300 digits is a number
    # without its symbol, as the sheet's check says (issue 15's grammar gaps: it was text
    # here, so the engine said nothing; money.decimal_number's 40-character bound is for
    # amounts, which :data:`money.MAX_YUAN` bounds anyway).
    number = Decimal(quantity.group("number").replace(",", ""))
    unit, bare_wan = _canonical_unit(quantity.group("unit")), False
    multiplier, rate, end = quantity.group("mult"), quantity.group("rate"), quantity.end()
    if multiplier and unit is None:
        # bare 万 after a number means 万元 (``5万每人`` → 5 万元/人)
        unit, bare_wan = _canonical_unit(multiplier + "元" + (rate or "")), True
    else:
        end = quantity.start("rate") if rate else end  # a rate needs a 万 before it
        number *= _MULTIPLIERS[multiplier] if multiplier else 1
    rest = text[end:]
    if symbol not in (Symbol.GT, Symbol.LT):  # (>80%（含）contradicts itself: left mixed)
        rest = _INCLUSIVE.sub("", rest)
    note = None
    if _GRADING_NOTE.match(rest):
        rest, note = "", rest
    suffix = _SUFFIX.search(rest)
    implied = False
    if suffix and not rest[: suffix.start()].rstrip(_TRAILING_PUNCT):  # ``≤3天，以内``
        # a suffix word makes the symbol only of a bare quantity (``90%以上``); in a mixed
        # value it stays part of the text, or the canonical form would lose it
        rest = ""
        implied = symbol is None
        symbol = symbol or _SUFFIX_SYMBOLS[suffix.group()]
    if rest:
        return ParsedValue(original, ValueKind.MIXED, symbol, number, unit, rest, None, bare_wan)
    return ParsedValue(
        original, ValueKind.QUANTITATIVE, symbol, number, unit, None, None, bare_wan, implied, note
    )


def _arabic_year(match: re.Match[str]) -> str:
    """``二〇二三年`` → ``2023年`` when it is a year of the 1900s or 2000s, else as written."""
    digits = "".join(_CHINESE_DIGITS[c] for c in match[1])
    return f"{digits}年" if digits[:2] in ("19", "20") else match[0]


def _deadline(text: str) -> Deadline | None:
    """A year-led (``2024年底前``, ``2024年1-12月``) or month-led (``12月底前``) deadline."""
    year = _YEAR.search(text)
    if year and (text[: year.start()] in _LEAD_WORDS or _DEADLINE_WORD.search(text, year.end())):
        return Deadline(int(year["until"] or year["year"]), _last_month(year))
    date = _DATE.match(text)
    if date:
        return Deadline(int(date.group(1)), _month(date.group(2)))
    month = _MONTH.match(text)
    if month and (month["first"] is None or _last_month(month) is not None):
        return Deadline(None, _month(month["month"]))
    period = _PERIOD.match(text)
    if period and (_month(period.group(1)) or 13) <= (_month(period.group(2)) or 0):
        return Deadline(None, _month(period.group(2)))
    return None


def _last_month(span: re.Match[str]) -> int | None:
    """The month a deadline is read at: the span's last (``1-12月`` → 12), or none when the
    span runs backwards or past 12 (``12月-1月``, ``13-12月``: review16).

    A span may repeat its year (``2024年1月-2024年12月`` → 12, as ``2024年1-12月``) or end in a
    later one: ``2024年12月-2025年3月`` is read at March of 2025 (:func:`_deadline` takes the
    year the span ends in, so deadline-outside-year judges that year); one ending in an earlier
    year runs backwards and has no month."""
    first, last = _month(span["first"]), _month(span["month"])
    if span["first"] is None:
        return last
    if first is None or last is None:
        return None
    years = span.groupdict()  # (a month-led deadline has no year)
    start = int(years.get("year") or 0)
    end = int(years.get("until") or start)
    return last if (start, first) <= (end, last) else None


def _month(text: str | None) -> int | None:
    month = int(text) if text else 0
    return month if 1 <= month <= 12 else None


def _parse_text(original: str, text: str, symbol: Symbol | None) -> ParsedValue:
    has_digit = any(ch.isdigit() for ch in text)
    if symbol is not None or has_digit:
        return ParsedValue(original, ValueKind.MIXED, symbol, None, None, text)
    return ParsedValue(original, ValueKind.QUALITATIVE, text=original.strip())


def format_number(number: Decimal) -> str:
    """A number without exponent or trailing zeros: ``Decimal('1111.00')`` → ``1111``."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def format_value(value: ParsedValue) -> str:
    """Write a parsed value back in canonical form: ``≥500件``, ``≤1111万元``, ``≥98%``.

    A grading note (``为优``) is not part of the target and is left out.
    """
    if value.kind is ValueKind.EMPTY:
        return ""
    if value.kind in (ValueKind.QUALITATIVE, ValueKind.DEADLINE):
        return value.text or ""
    parts = [value.symbol.value if value.symbol else ""]
    if value.number is not None:
        parts.append(format_number(value.number))
    parts.append(value.unit or "")
    parts.append(value.text or "")
    written = "".join(parts)
    if value.kind is ValueKind.MIXED and parse_value(written).text != value.text:
        # ``1.0.0``, ``,==``: rebuilt, the text would be read differently; keep it as written
        return normalize_text(value.raw)
    return written


def money_amount(value: ParsedValue, table_unit: MoneyUnit) -> Decimal | None:
    """The value's amount in the table's money unit (``≤4137280元`` in 万元 → 413.728), or None."""
    if value.number is None or value.unit is None:
        return None
    money = value.unit.split("/", 1)[0]
    if yuan_per(money) is None:
        return None
    return convert(value.number, money, table_unit)
