"""A list's rows written as worksheet XML straight into the file XlsxWriter builds (issue #15).

**Why (decision of issue #15, December 2026).**  Writing the summary's lists through
XlsxWriter's ``write_string``/``write_number`` cost ~15 µs a cell (argument checks, a cell
tuple, a dict per row, then the same row turned into XML through a generic attribute writer),
~70 % of writing the workbook.  This module writes each list row's ``<row>`` element itself,
in one string, into the temporary row file XlsxWriter keeps for the sheet in
``constant_memory`` mode; XlsxWriter still writes everything else (styles, column widths,
header rows, filters, frozen panes, print setup, links, charts, the package) and copies the
row file into ``<sheetData>`` as for its own rows.  The XML is byte for byte what XlsxWriter
writes for the same calls (a test compares whole packages), with one deliberate difference:
XlsxWriter writes a text that starts with ``<r>`` and ends with ``</r>`` unescaped, as rich
text markup, so such a text from a submission could add cells, even formulas, to the summary;
here every text is escaped.  A row of 15 columns takes ~10 µs instead of ~130 µs; a sheet of
150,000 indicator rows, heights and zipping included, 4.0 s of CPU instead of 19.2 s (4.8×).
The alternative, ``rvgsrust-xlsxwriter`` (a young binding of the Rust writer), was measured
3.3× faster than XlsxWriter's calls on such a sheet; this module is faster still and adds no
dependency and no second engine to prove in Excel and WPS (the decision is written in
:mod:`jixiao.outputs.summary`).

**What it relies on.**  XlsxWriter 3's constant-memory internals: the sheet's row file
(``Worksheet.fh``), the row it holds back (``previous_row``, flushed with
``_write_single_row``), its dimensions (``dim_rowmax``), the default row heights, and the formats'
``_get_xf_index``.  :func:`supported` checks that they are there; when they are not (another
XlsxWriter), :mod:`jixiao.outputs.sheets` writes the rows through XlsxWriter's own calls.

**The XML of a cell**, as XlsxWriter writes it: a text as an inline string
``<c r="A2" s="3" t="inlineStr"><is><t>…</t></is></c>`` (cut to 32,767 UTF-16 units as
Excel's limit; control characters as ``_xHHHH_``, a literal ``_xHHHH_`` as ``_x005F_xHHHH_``;
``&``, ``<``, ``>`` escaped; ``xml:space="preserve"`` when it starts or ends with white
space), never a formula whatever it says; a number as ``<v>`` with 16 significant digits; a
non-finite number as a blank cell with its style.  Every column has its header cell, so the
rows never widen the sheet's dimension: only its last row moves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.url import Url
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

MAX_TEXT = 32_767
"""UTF-16 units a cell holds; XlsxWriter cuts longer texts there, and so does this module."""
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
"""Anything that makes a text need more than copying (most texts need nothing)."""
_ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_LEADING, _TRAILING = re.compile(r"^\s"), re.compile(r"\s$")
_BUFFERED = 4096
"""Pieces of XML gathered before they are written to the row file (one write, not one a cell)."""
_KEPT_TEXTS, _KEPT_LENGTH = 20_000, 100
"""A sheet remembers the XML of up to this many texts up to this long (a few MB at most)."""
_INTERNALS = (
    "fh",
    "previous_row",
    "_write_single_row",
    "dim_rowmax",
    "row_sizes",
    "original_row_height",
    "default_row_height",
    "ignore_write_string",
)


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell a row hook puts in place of the table's value: its text, style and link."""

    column: int
    text: str
    style: Format
    url: Url | None = None


def supported(sheet: Worksheet) -> bool:
    """Whether ``sheet`` is a constant-memory XlsxWriter sheet whose rows this module can
    write (the internals it relies on are there)."""
    return (
        getattr(sheet, "constant_memory", False) is True
        and getattr(sheet, "excel_version", None) == 2007
        and all(hasattr(sheet, name) for name in _INTERNALS)
        and hasattr(Format, "_get_xf_index")
    )


def cut(text: str) -> str:
    """``text`` cut to :data:`MAX_TEXT` UTF-16 units (never inside a character)."""
    if len(text) <= MAX_TEXT // 2 or len(text.encode("utf-16-le", "surrogatepass")) <= 2 * MAX_TEXT:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > MAX_TEXT:
            return text[:index]
    return text  # pragma: no cover - the length check above returned already


def inline_text(text: str) -> str:
    """The ``<is>`` element's content for ``text`` (see the module docstring)."""
    text = cut(text)
    if not _SPECIAL.search(text):
        return f"<t>{text}</t>"
    text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if _LEADING.search(text) or _TRAILING.search(text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<t{space}>{text}</t>"


class RowStream:
    """Rows of one table written under its header row (``header_row``, already given to
    XlsxWriter), strictly in order; :meth:`close` when done.  ``words`` maps a column's
    True/False to its text (达标/未达标 or 是/否); ``keep_sizes`` keeps each row's height for
    placing a chart later on the sheet."""

    def __init__(
        self,
        sheet: Worksheet,
        header_row: int,
        styles: Sequence[Format],
        words: Sequence[dict[bool, str]],
        keep_sizes: bool = False,
    ) -> None:
        self.sheet = sheet
        self.styles = list(styles)
        self.words = list(words)
        self.keep_sizes = keep_sizes
        self.letters = [xl_col_to_name(c) for c in range(len(styles))]
        self.pieces: list[tuple[str, str, str] | None] = [None] * len(styles)
        self.buffer: list[str] = []
        self.seen: dict[str, str] = {}
        self._heights: dict[float, tuple[int, str]] = {}
        self._xf: dict[int, str] = {}
        self.last = header_row
        sheet._write_single_row(header_row + 1)  # the header row goes out first

    def _style(self, style: Format) -> str:
        """`` s="N"`` of a format, numbered when first used, in the order XlsxWriter would."""
        found = self._xf.get(id(style))
        if found is None:
            found = self._xf[id(style)] = f' s="{style._get_xf_index()}"'
        return found

    def _height(self, height: float) -> tuple[int, str]:
        """A row height in points as XlsxWriter stores it (whole pixels) and writes it."""
        found = self._heights.get(height)
        if found is None:
            pixels = int(height * 4.0 / 3.0 + 0.5)
            sheet = self.sheet
            custom = pixels != sheet.original_row_height or pixels != sheet.default_row_height
            attribute = f' ht="{pixels * 0.75:.16g}" customHeight="1"' if custom else ""
            found = self._heights[height] = (pixels, attribute)
        return found

    def _column(self, column: int) -> tuple[str, str, str]:
        """A column's cell XML around the row number: ``<c r="B``, then ``" s="4"`` before a
        number's ``<v>``, and the same before a text's ``<is>`` (its style numbered on first use,
        as XlsxWriter numbers it)."""
        style = self._style(self.styles[column])
        found = (f'<c r="{self.letters[column]}', f'"{style}', f'"{style} t="inlineStr"><is>')
        self.pieces[column] = found
        return found

    def row(
        self, row: int, height: float, values: Sequence[Any], replaced: Sequence[Cell] = ()
    ) -> None:
        """Write sheet row ``row`` (0-based, after the last one): ``values`` in column order
        (None: no cell), some replaced by hook ``Cell``s."""
        number = str(row + 1)
        pixels, height_xml = self._height(height)
        instead = {cell.column: cell for cell in replaced}
        pieces, special, seen = self.pieces, _SPECIAL.search, self.seen
        add = self.buffer.append
        add(f'<row r="{number}"{height_xml}>')
        empty = True
        for column, value in enumerate(values):
            if instead and column in instead:
                cell = instead.pop(column)
                value, style = cell.text, self._style(cell.style)
                head, at_number, at_text = (
                    f'<c r="{self.letters[column]}',
                    f'"{style}',
                    f'"{style} t="inlineStr"><is>',
                )
            elif value is None:
                continue
            else:
                head, at_number, at_text = pieces[column] or self._column(column)
            empty = False
            if value.__class__ is str:
                tail = seen.get(value)
                if tail is None:
                    if len(value) > MAX_TEXT // 2 or special(value):
                        tail = f"{inline_text(value)}</is></c>"
                    else:
                        tail = f"<t>{value}</t></is></c>"
                    if len(value) <= _KEPT_LENGTH:  # short texts repeat (units, levels, files)
                        if len(seen) >= _KEPT_TEXTS:
                            seen.clear()
                        seen[value] = tail
                add(f"{head}{number}{at_text}{tail}")
            elif isinstance(value, bool):
                add(f"{head}{number}{at_text}{inline_text(self.words[column][value])}</is></c>")
            elif isinstance(value, int | float | Decimal):
                amount = float(value)
                if math.isfinite(amount):
                    add(f"{head}{number}{at_number}><v>{amount:.16G}</v></c>")
                else:
                    add(f"{head}{number}{at_number}/>")
            else:
                add(f"{head}{number}{at_text}{inline_text(str(value))}</is></c>")
        if empty:
            self.buffer[-1] = f'<row r="{number}"{height_xml}/>'
        else:
            add("</row>")
        sheet = self.sheet
        sheet.previous_row = self.last = row
        if self.keep_sizes:
            sheet.row_sizes[row] = [pixels, False]
        for cell in replaced:
            if cell.url is not None:  # the cell is written above: XlsxWriter keeps the link
                sheet.ignore_write_string = True
                try:
                    sheet.write_url(row, cell.column, cell.url, cell.style)
                finally:
                    sheet.ignore_write_string = False
        if len(self.buffer) > _BUFFERED:
            self._flush()

    def _flush(self) -> None:
        self.sheet.fh.write("".join(self.buffer))
        self.buffer.clear()

    def close(self) -> None:
        """Write what is buffered; the sheet's dimension reaches the last row written."""
        self._flush()
        sheet = self.sheet
        if sheet.dim_rowmax is None or sheet.dim_rowmax < self.last:
            sheet.dim_rowmax = self.last
