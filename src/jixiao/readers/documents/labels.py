"""What the other provinces' tables write, recognised by content (issue 14).

Shared by the readers of :mod:`jixiao.readers.documents.other` (申报表 forms, 批复表 trees, wide
department tables, 部门整体支出 tables): label normalisation, the indicator levels, symbols in
every spelling (``>=``, ``≧``, ``＞＝``), amounts with thousands separators, Excel serial dates
(``44,561``), code prefixes (``[610001]``, ``(433001)``, ``820001-``) and the budget year
stated by a table title or header (never by a year the narrative happens to name first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from jixiao.money import MoneyUnit
from jixiao.profiles import load_profile

PROFILE = "national"
"""The built-in profile the other layouts are validated with (rules/profiles/national.json):
the national 申报表 framework (成本指标 under 产出) without project code, spending plan or
指标值确定依据 — what these tables have.  ``--profile`` overrides it."""

_FULL_TO_ASCII = str.maketrans({"：": ":", "（": "(", "）": ")", "，": ",", "　": " "})
_SUFFIX = re.compile(r"\s*\((?:必填|选填)[^()]*\)\s*$")

LEVEL1 = frozenset({"产出指标", "效益指标", "满意度指标", "成本指标"})
LEVEL2 = frozenset(
    {
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "服务对象满意度指标",
        "社会公众或服务对象满意度指标",
        "经济成本指标",
        "社会成本指标",
        "生态环境成本指标",
    }
)
DIRECTIONS = frozenset({"正向", "反向", "正向指标", "反向指标", "中性", "中性指标"})
NATURES = frozenset({"定性", "定量", "定性指标", "定量指标"})
_SYMBOLS = {
    ">=": "≥",
    "≧": "≥",
    "＞＝": "≥",
    "≥": "≥",
    "<=": "≤",
    "≦": "≤",
    "＜＝": "≤",
    "≤": "≤",
    ">": ">",
    "＞": ">",
    "<": "<",
    "＜": "<",
    "=": "=",
    "＝": "=",
}
_LEADING_SYMBOL = re.compile(r"^(>=|<=|＞＝|＜＝|[≥≤≧≦>＞<＜=＝])\s*")
_AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
_SERIAL = re.compile(r"^(\d{2}),?(\d{3})$")
_VALUE_LIKE = re.compile(
    r"^(?:>=|<=|＞＝|＜＝|[≥≤≧≦>＞<＜=＝])?\s*(?:\d|\*\*)|^(?:19|20)\d\d年|[%％]$"
)
_CODE_PREFIX = re.compile(
    r"^\s*(?:\[(\d{2,12})\]|\((\d{2,12})\)|（(\d{2,12})）|(\d{2,12})\s*-)\s*(.+)$"
)
TABLE_TITLE = re.compile(r"绩效目标(?:申报|批复)?表")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d\d)\s*年")
_YEAR_LINE = re.compile(r"^\(?\s*((?:19|20)\d\d)\s*年度?\s*\)?$")
_MONEY = re.compile(r"(?:金额)?单位\s*:\s*(万元|元)|\(\s*(万元|元)\s*\)")


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """A label as compared: ASCII punctuation, no spaces, no trailing colon."""
    return _SPACES.sub("", text.translate(_FULL_TO_ASCII)).rstrip(":")


def level_name(text: str) -> str:
    """An indicator level as the profile knows it: ``成本指标(必填硬性指标)`` → ``成本指标``."""
    return _SUFFIX.sub("", text.translate(_FULL_TO_ASCII).strip())


def is_level1(text: str) -> bool:
    return level_name(text) in LEVEL1


def is_level2(text: str) -> bool:
    name = level_name(text)
    return name in LEVEL2 or (name.endswith("指标") and name[:-2] in _LEVEL2_STEMS)


_LEVEL2_STEMS = frozenset(n[:-2] for n in LEVEL2)


@lru_cache(maxsize=1)
def known_levels() -> tuple[str, ...]:
    """Every 一级/二级 name a glued cell may start with, longest first: the reader's levels and
    the profile's framework and aliases (``效果指标``)."""
    profile = load_profile(PROFILE)
    names = set(LEVEL1) | set(LEVEL2) | set(profile.framework) | set(profile.aliases)
    names |= {name for level2 in profile.framework.values() for name in level2}
    return tuple(sorted(names, key=len, reverse=True))


def unglue_level(token: str) -> list[str]:
    """A known level label glued to the cell after it, split: ``数量指标88100`` → ``数量指标``
    ``88100``; ``效益指标社会效益指标`` → both labels.  Only a value (number, symbol, percent,
    date) or another known label is split off — ``数量指标完成率`` may be a 三级 name and is
    left as written.  Nothing is added or dropped: the parts join back to the token."""
    text = token.strip()
    for label in known_levels():
        rest = text[len(label) :]
        if not text.startswith(label) or not rest:
            continue
        if is_value_like(rest):
            return [label, rest]
        tail = unglue_level(rest)
        if len(tail) > 1 or rest in known_levels():
            return [label, *tail]
    return [token]


def unglue_row(tokens: list[str]) -> list[str]:
    """The level cells that open an indicator row, each split from a cell glued to it
    (:func:`unglue_level`); the rest of the row as it is."""
    out: list[str] = []
    for at, token in enumerate(tokens):
        parts = unglue_level(token)
        out += parts
        if len(parts) == 1 and not (is_level1(token) or is_level2(token)):
            return out + tokens[at + 1 :]
    return out


def symbol(text: str) -> str | None:
    """The normalised comparison symbol a whole cell spells, else None."""
    return _SYMBOLS.get(text.strip())


def is_value_like(text: str) -> bool:
    """A token that reads as an 指标值: a symbol and a number, a percentage, a date."""
    return bool(_VALUE_LIKE.search(text.strip()))


def normalise_value(written: str) -> str:
    """``>=20平方米`` → ``≥20平方米``, ``≧95%`` → ``≥95%``; anything else as written."""
    text = written.strip()
    match = _LEADING_SYMBOL.match(text)
    if match:
        text = _SYMBOLS[match.group(1)] + text[match.end() :]
    return text


def amount(text: str) -> Decimal | None:
    """``3,309,840.00`` → 3309840.00; None for anything that is not a plain amount."""
    text = text.strip().replace("，", ",")
    if not _AMOUNT.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def serial_date(text: str) -> date | None:
    """An Excel serial date shown as a number (``44,561`` = 2021-12-31), between 2000 and 2100."""
    match = _SERIAL.match(text.strip())
    if not match:
        return None
    serial = int(match.group(1) + match.group(2))
    if not 36526 <= serial <= 73051:  # 2000-01-01 … 2100-01-01
        return None
    return date(1899, 12, 30) + timedelta(days=serial)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True, slots=True)
class Coded:
    """A name with its code prefix split off: ``(433001)乌海市…`` → code 433001."""

    code: str | None
    name: str


def split_code(text: str) -> Coded:
    match = _CODE_PREFIX.match(text)
    if not match:
        return Coded(None, text.strip())
    code = next(g for g in match.groups()[:4] if g)
    return Coded(code, match.group(5).strip())


def title_year(lines: list[tuple[int, str]]) -> int | None:
    """The budget year a table title states: in the title line itself (``2018年…申报表``,
    ``…申报表(2023年度)``) or on one of the two lines under it (``(2022年度)``, ``2019年度)``,
    ``(2021年)``).  Dates of publication and years in goals or names are never read."""
    for at, (_, text) in enumerate(lines):
        title = TABLE_TITLE.search(text)
        if title is None or ".xls" in text:
            continue
        head = text[: title.end() + 12]
        if found := _YEAR_IN_TITLE.search(head):
            return int(found.group(1))
        for _, below in lines[at + 1 : at + 3]:
            if found := _YEAR_LINE.match(norm(below)):
                return int(found.group(1))
    return None


def money_unit(lines: list[tuple[int, str]]) -> tuple[MoneyUnit | None, int | None]:
    """The money unit a label states (``单位:元``, ``金额单位:元``, ``资金情况(万元)``)."""
    for line, text in lines:
        if found := _MONEY.search(text.translate(_FULL_TO_ASCII)):
            word = found.group(1) or found.group(2)
            return (MoneyUnit.YUAN if word == "元" else MoneyUnit.WAN), line
    return None, None
