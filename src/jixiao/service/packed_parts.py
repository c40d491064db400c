"""One part of a file's result (its findings, project keys or the rows of one table) as
compressed JSON and back: exact amounts as decimal text by the columns' kinds, file names
through placeholders (``swap``/``unswap``), and :class:`Damaged` for stored data of the wrong
shape.  :mod:`jixiao.service.packing` puts the parts of one file's results together.
"""

from __future__ import annotations

import dataclasses
import json
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, partial
from typing import Any

from jixiao.consolidation.columns import (
    DEPARTMENT_COLUMNS,
    INDICATOR_COLUMNS,
    SUB_UNIT_COLUMNS,
    project_columns,
    summary_levels,
)
from jixiao.consolidation.results import CodeFact, FileResult, ProjectKey
from jixiao.consolidation.table import Kind, Row
from jixiao.findings import Finding, Severity
from jixiao.model import Location

PARTS = ("findings", "project_keys", "project_rows", "indicator_rows", "department_rows", "codes")
"""A result's parts, stored in this order; each is read back on its own.  ``codes`` are its
submission's :attr:`Submitted.codes` (the facts of the check for duplicate 项目编码): a part,
not in the head, so that a spooled file's codes wait on disk too (issue #15)."""


_ROW_PARTS = ("project_rows", "indicator_rows", "department_rows")


_EXACT = frozenset({Kind.MONEY, Kind.PERCENT, Kind.NUMBER})


_FINDING_FIELDS = len(dataclasses.fields(Finding))


class Damaged(ValueError):
    """Stored results that do not have the shape they must have."""


@dataclass(frozen=True, slots=True)
class _Shape:
    """How a table's rows are stored: their width, which columns hold exact amounts (stored as
    decimal text) and which names the file."""

    width: int
    decimals: tuple[int, ...]
    file_at: int | None


@cache
def _shape(part: str) -> _Shape:
    columns = {
        "project_rows": project_columns(summary_levels()),
        "indicator_rows": INDICATOR_COLUMNS,
        "sub_unit_row": SUB_UNIT_COLUMNS,
        "department_rows": DEPARTMENT_COLUMNS,
    }[part]
    keys = [c.key for c in columns]
    decimals = tuple(i for i, c in enumerate(columns) if c.kind in _EXACT)
    return _Shape(len(columns), decimals, keys.index("file") if "file" in keys else None)


def exact_text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        raise TypeError(f"an amount column holds {type(value).__name__}")
    return str(value)


def swapped(value: Any, swap: Mapping[str, str]) -> Any:
    return swap.get(value, value) if swap and isinstance(value, str) else value


def rows_data(part: str, rows: Sequence[Row], swap: Mapping[str, str]) -> list[list[Any]]:
    shape = _shape(part)
    out = []
    for row in rows:
        if len(row) != shape.width:
            raise TypeError(f"a row of {part} has {len(row)} values")
        values = list(row)
        for i in shape.decimals:
            values[i] = exact_text(values[i])
        if shape.file_at is not None:
            values[shape.file_at] = swapped(values[shape.file_at], swap)
        out.append(values)
    return out


def rows_from(part: str, data: Any, unswap: Mapping[str, str]) -> list[Row]:
    shape = _shape(part)
    decimals, file_at, width = shape.decimals, shape.file_at, shape.width
    if type(data) is not list:
        raise Damaged(part)
    out = []
    swap_at = file_at if unswap else None
    for row in data:  # the hottest loop of reading a result back: helpers inlined
        if row.__class__ is not list or len(row) != width:
            raise Damaged(part)
        for i in decimals:
            value = row[i]
            if value is not None:
                if value.__class__ is not str:
                    raise Damaged("amount")
                row[i] = Decimal(value)
        if swap_at is not None:
            value = row[swap_at]
            if value.__class__ is str:
                row[swap_at] = unswap.get(value, value)
        out.append(tuple(row))
    return out


def _findings_data(findings: Sequence[Finding], swap: Mapping[str, str]) -> list[list[Any]]:
    return [
        [
            f.code,
            f.severity.value,
            swapped(f.file, swap),
            f.sheet,
            f.cell,
            f.project_code,
            f.project_name,
            f.message,
            f.hint,
            f.line,
            f.path,
            f.project_number,
        ]
        for f in findings
    ]


def _findings_from(data: Any, unswap: Mapping[str, str]) -> list[Finding]:
    if type(data) is not list:
        raise Damaged("findings")
    out = []
    for values in data:
        if type(values) is not list or len(values) != _FINDING_FIELDS:
            raise Damaged("finding")
        code, severity, file, sheet, cell, project, name, message, hint, line, path, number = values
        if not (
            code.__class__ is str
            and file.__class__ is str
            and sheet.__class__ in _TEXT
            and cell.__class__ in _TEXT
            and project.__class__ in _TEXT
            and name.__class__ in _TEXT
            and message.__class__ in _TEXT
            and hint.__class__ in _TEXT
            and path.__class__ in _TEXT
            and line.__class__ in _SCALAR
            and number.__class__ in _SCALAR
        ):
            raise Damaged("finding")
        out.append(
            Finding(
                code,
                Severity(severity),
                unswap.get(file, file),
                sheet,
                cell,
                project,
                name,
                message,
                hint,
                line,
                path,
                number,
            )
        )
    return out


_TEXT = frozenset({str, type(None)})


_SCALAR = frozenset({str, int, float, bool, type(None)})


def _keys_from(data: Any, _: Mapping[str, str]) -> list[ProjectKey]:
    if type(data) is not list or any(type(k) is not list or len(k) != 3 for k in data):
        raise Damaged("project_keys")
    if not all(_texts(k, (True, True, False)) for k in data):  # a list in one is unhashable
        raise Damaged("project_keys")
    return [(k[0], k[1], k[2]) for k in data]


def _codes_data(codes: Sequence[CodeFact], swap: Mapping[str, str]) -> list[list[Any]]:
    return [
        [c.code, c.name, c.number, swapped(c.where.file, swap), *_location(c.where)] for c in codes
    ]


def _location(where: Location) -> list[Any]:
    """A location's fields after its file."""
    return [where.sheet, where.cell, where.line, where.path]


_CODE_TEXTS = (True, True, False, True, True, True, False, True)
"""Which of a stored code's values are texts or nothing (the others plain JSON scalars):
项目编码, 名称, 序号, then its place (file, sheet, cell, line, path); the 项目编码 and the
file must be texts."""


def _codes_from(data: Any, unswap: Mapping[str, str]) -> list[CodeFact]:
    if type(data) is not list:
        raise Damaged("codes")
    out = []
    for values in data:
        if type(values) is not list or len(values) != len(_CODE_TEXTS):
            raise Damaged("codes")
        if type(values[0]) is not str or type(values[3]) is not str:
            raise Damaged("codes")
        if not _texts(values, _CODE_TEXTS):
            raise Damaged("codes")
        code, name, number, file, *where = values
        out.append(CodeFact(code, name, number, Location(swapped(file, unswap), *where)))
    return out


def _texts(values: Sequence[Any], required: Sequence[bool]) -> bool:
    """Whether ``values`` are texts where ``required`` (or None where not), and plain JSON
    scalars elsewhere."""
    for value, text in zip(values, required, strict=True):
        if type(value) is str:
            continue
        if text and value is not None:
            return False
        if value is not None and type(value) not in (int, float, bool):
            return False
    return True


def part_items(part: str, result: FileResult) -> Sequence[Any]:
    """The items of ``result`` stored as ``part``."""
    if part == "codes":
        return result.submission.codes if result.submission else ()
    items: Sequence[Any] = getattr(result, part)
    return items


def part_data(part: str, result: FileResult, swap: Mapping[str, str]) -> list[Any]:
    if part == "findings":
        return _findings_data(result.findings, swap)
    if part == "project_keys":
        return [list(k) for k in result.project_keys]
    if part == "codes":
        return _codes_data(part_items(part, result), swap)
    rows: Sequence[Row] = getattr(result, part)
    return rows_data(part, rows, swap)


PART_FROM: dict[str, Callable[[Any, Mapping[str, str]], list[Any]]] = {
    "findings": _findings_from,
    "project_keys": _keys_from,
    "codes": _codes_from,
    **{part: partial(rows_from, part) for part in _ROW_PARTS},
}


def _no_other(value: object) -> object:
    raise TypeError(f"cannot store {type(value).__name__} outside an amount column")


def json_text(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, default=_no_other, separators=(",", ":"))


def compressed(text: str) -> bytes:
    # Level 1: a third of level 6's time (~1 ms a 30-project file in every worker), ~20 % more
    # bytes; any level decodes the same (issue #15).
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def unpacked(blob: bytes, strict: bool = False) -> Any:
    """A part's JSON; ``strict`` (bytes kept from another run): its text is UTF-8 without a
    lone surrogate, raw or escaped, else :class:`Damaged` (packing writes none, and writing
    one to a workbook fails)."""
    if not strict:
        return json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
    try:
        text = zlib.decompress(blob).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Damaged("text") from exc
    if _ESCAPED_SURROGATE.search(text):
        raise Damaged("text")
    return json.loads(text)


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
"""A JSON escape of a UTF-16 surrogate: a text holding one cannot be written to a workbook."""
