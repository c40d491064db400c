"""XML as python-calamine reads it, for the package guard and its cell notes: expat with DTDs and
entities refused, a tag's local name after its first colon, and where each cell of a sheet is
placed (:class:`Placement`: calamine's own row and column counters)."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.parsers import expat

from jixiao.a1 import MAX_COLUMN

MAX_ROW = 1_048_576
CHUNK = 64 * 1024
PREFIX = rb"""[^\s<>/!?"'=]*:"""
"""A namespace prefix as python-calamine (quick-xml) reads one: whatever stands before the
first ``:`` of a name (``é:c``, ``表:c``, even ``:c`` or ``1:c``), not only what XML allows."""
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,8})\$?([0-9]{1,12})$")


class Refused(Exception):
    """Raised inside the XML handlers to stop at the first reason."""


class Placement:
    """Where python-calamine places each cell of a sheet: its cells reader's own two counters,
    which a cell written without ``r`` follows (a review found the guard and the notes placing
    such cells elsewhere: a cell the guard saw at XFD1 was read at XFD1048576).  With its
    XML reader expanding ``<c/>`` into a start and an end:

    * ``<row r="k">`` starts row k (a row without ``r`` leaves the row counter alone);
    * ``</row>`` moves to the next row and back before column A;
    * ``<c r="X">`` is at X, and the column counter moves to X's column (the row counter does
      not move); ``<c>`` is one column right of the cell before, in the row counter's row;
    * ``</c>`` moves one column right, whether the cell held anything or not.

    A tag's local name is what follows its first colon, as python-calamine's XML reader takes
    it (``a:b:row`` is no row)."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.row = 1
        """The row a cell written without ``r`` is in."""
        self.column = 0
        """The column of the cell before (0: none yet in this row)."""

    def start(self, local: str, attributes: dict[str, str]) -> tuple[int, int] | None:
        """The cell a ``c`` tag opens (row, column); None for any other tag."""
        if local == "row":
            written = attributes.get("r")
            if written:
                self.row = self._row(written)
        elif local == "c":
            written = attributes.get("r")
            if written:
                row, column = self._cell(written)
                self.column = column - 1
            else:
                row, column = self.row, self.column + 1
            if row > MAX_ROW or column > MAX_COLUMN:
                raise Refused(
                    f"工作表“{self.sheet}”有超出 Excel 范围的单元格（第 {row} 行、第 {column} 列）"
                )
            return row, column
        return None

    def end(self, local: str) -> None:
        if local == "row":
            self.row, self.column = self.row + 1, 0
        elif local == "c":
            self.column += 1

    def _row(self, written: str) -> int:
        digits = written.strip()
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
            raise Refused(f"工作表“{self.sheet}”的行号“{written[:20]}”无效")
        return int(digits)

    def _cell(self, written: str) -> tuple[int, int]:
        match = CELL_REF.match(written.strip())
        if not match:
            raise Refused(f"工作表“{self.sheet}”的单元格地址“{written[:20]}”无效")
        return int(match.group(2)), letters_column(match.group(1))


def local_name(tag: str) -> str:
    """A tag's local name as python-calamine's XML reader takes it: after the first colon."""
    return tag.partition(":")[2] or tag


def _forbid(*_: object) -> None:
    raise Refused("含 DTD/实体声明（可能是恶意文件），正常工作簿不会有，已拒绝读取")


def parse_xml(
    data: bytes,
    start: Callable[[str, dict[str, str]], None],
    namespaces: bool = False,
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
    utf8: bool = False,
    buffered: bool = True,
) -> None:
    parser = expat.ParserCreate(
        encoding="utf-8" if utf8 else None, namespace_separator="}" if namespaces else None
    )
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.buffer_text = buffered  # one call per run of text, not per character reference
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    try:
        for offset in range(0, len(data), CHUNK):
            parser.Parse(data[offset : offset + CHUNK], False)
        parser.Parse(b"", True)
    except (LookupError, ValueError) as exc:  # an encoding expat does not know, or cannot use
        raise expat.ExpatError(f"encoding: {exc}") from exc


def letters_column(letters: str) -> int:
    """``A`` → 1, any number of letters (:func:`jixiao.a1.column_number` refuses a column
    beyond XFD, which the guard must measure to refuse it in Chinese)."""
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return column
