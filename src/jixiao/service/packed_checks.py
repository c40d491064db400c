"""What a value kept from another run may be before it is trusted (the cache's check in
:func:`jixiao.service.packing.unpack`): finite numbers below :data:`NUMBER_BOUND`, and no text
holding a lone surrogate (either fails only when the workbook is written).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal

NUMBER_BOUND = 10**15
"""No amount, count or share a clerk's table holds reaches this (Excel keeps 15 digits)."""


def number_sane(value: object) -> bool:
    """A row's value as a table may hold it: text, a truth value, nothing, or a finite number
    below :data:`NUMBER_BOUND` (a NaN, an infinity or a 400-digit integer fails only when the
    workbook is written)."""
    if value is None or isinstance(value, (str, bool)):
        return True
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) < NUMBER_BOUND
    if isinstance(value, int):
        return abs(value) < NUMBER_BOUND
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) < NUMBER_BOUND
    return False


_PLAIN_VALUES = frozenset({str, bool, type(None)})


def rows_sane(rows: Sequence[Sequence[object]]) -> bool:
    """Every value of ``rows`` is sane (:func:`number_sane`); a plain loop, as a cached
    re-run checks some 500,000 values at 100 files."""
    for row in rows:
        for value in row:
            if value.__class__ not in _PLAIN_VALUES and not number_sane(value):
                return False
    return True


_SURROGATE = re.compile("[\ud800-\udfff]")


def heads_sane(data: object) -> bool:
    """Every number in decoded JSON ``data`` (the heads: lists, objects, scalars) is sane and
    no text or key holds a lone surrogate."""
    if isinstance(data, list):
        return all(heads_sane(item) for item in data)
    if isinstance(data, dict):
        return all(heads_sane(key) and heads_sane(item) for key, item in data.items())
    if isinstance(data, str):
        return _SURROGATE.search(data) is None
    return number_sane(data)
