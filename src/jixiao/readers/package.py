"""The package guard: what a workbook file must pass before any spreadsheet reader opens it.

python-calamine builds each sheet as a dense grid from its first to its farthest cell, copies
a shared string into every cell taking it, and aborts the whole process when an allocation
fails.  So before it sees a file, every XML part of the package is checked here with a real
XML parser (expat: quoting, spacing, namespace prefixes, character references and cells
written without ``r`` are all read as calamine reads them: :class:`_Placement`), and every
part whose root is a worksheet counts — wherever it is stored and whatever the relationships
call it.  Refused: zip bombs (part count, unpacked size, ratio), DTD and entity declarations
(billion laughs, external entities: no genuine workbook has them), parts too large for a
template, sheets whose extent would exceed :data:`MAX_SHEET_CELLS` (only cells holding
something count, as in calamine), all sheets together past :data:`MAX_BOOK_CELLS` cells or
:data:`MAX_FILLED_CELLS` cells holding something, and texts past :data:`MAX_STRING_BYTES`
(:class:`_StringUse`: the sheets' own texts and every shared-string copy), a shared-strings
table declaring too many entries or hidden under another root.  Returns a Chinese reason,
never raises.  Five hostile reviews (issue #15) shaped it: each rule names the way it closes.

:func:`inspect` is what the reader calls: the guard and the :class:`CellNotes` (what calamine
does not report: error values; formulas reaching outside the workbook, also through a defined
name, a filled-down or an array formula) in one pass, each part unpacked once (issue #15:
reading near calamine's own speed); :func:`preflight` and :func:`cell_notes` are its two
halves.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, NamedTuple
from xml.parsers import expat

from jixiao.a1 import MAX_COLUMN, a1
from jixiao.textfiles import read_error_reason

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_PARTS = 10_000
MAX_UNPACKED = 512 * 1024 * 1024
MAX_PART = 64 * 1024 * 1024
"""One XML part unpacked: a filled template's largest sheet is well under 1 MB."""
MAX_RATIO = 200
RATIO_SLACK = 1024 * 1024
MAX_SHEET_CELLS = 2_000_000
"""Rows × columns a sheet may span from A1 (a template sheet spans a few thousand)."""
MAX_BOOK_CELLS = 20_000_000
"""Cells all the sheets of a workbook may hold together (a sheet the scan settles counts its
most, :data:`NEAR_CELLS`: a 200-project workbook counts ~11 million): many sheets each within
:data:`MAX_SHEET_CELLS` must not add up to more than a reader's memory (a review found 400
such sheets taking a reader past 4 GB)."""
MAX_ROW = 1_048_576
CHUNK = 64 * 1024
SHEET_ROOTS = frozenset({"worksheet", "dialogsheet", "macrosheet"})
_PREFIX = rb"""[^\s<>/!?"'=]*:"""
"""A namespace prefix as python-calamine (quick-xml) reads one: whatever stands before the
first ``:`` of a name (``é:c``, ``表:c``, even ``:c`` or ``1:c``), not only what XML allows."""
_SHEET_DATA = re.compile(rb"<(?:" + _PREFIX + rb")?sheetData[\s/>]")
_STRING_TABLE = re.compile(rb"<(?:" + _PREFIX + rb")?sst[\s/>]")
_STRINGS_PART = "sharedstrings.xml"
"""The end of the name of the part python-calamine takes its shared strings from (in the
workbook part's folder, letter case aside)."""
"""A ``sheetData`` tag (text cannot hold a raw ``<``): spreadsheet readers take the cells under
it whatever the part's root is, so a part that has one is measured or refused, never skipped."""
_REF = re.compile(r"^\$?([A-Za-z]{1,8})\$?([0-9]{1,12})$")


class _Refused(Exception):
    """Raised inside the XML handlers to stop at the first reason."""


class _NotASheet(Exception):
    """The part's root is not a worksheet: nothing to measure."""


class _RootSeen(Exception):
    """The root is a worksheet: stop reading, the sheet is measured next."""


def preflight(path: Path) -> str | None:
    """The reason to refuse ``path`` before reading it, or None when it looks sane."""
    return inspect(path)[0]


def inspect(path: Path) -> tuple[str | None, CellNotes]:
    """The reason to refuse ``path`` (or None), and its cell notes when it is not refused."""
    notes = CellNotes()
    reason = _guard(path, notes)
    return reason, CellNotes() if reason else notes


BROKEN_PACKAGE = "压缩包已损坏，不是完整的 .xlsx 工作簿：请重新保存或重新发送"


def _guard(path: Path, notes: CellNotes) -> str | None:
    """Each part is unpacked by :mod:`zipfile` (its header checks, its declared size, its CRC).
    Unpacking with one ``zlib`` call per part instead was tried (issue #15): 1–2 ms a 30-project
    file (~5 % of the guard, ~1 % of a worker) for some 90 lines of hand-written zip reading in
    the one place that must not be talked past: not worth it."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            return _package_reason(infos) or _parts_reason(archive, infos, notes)
    except NotImplementedError:
        return "工作簿使用了不支持的压缩方式：请在 Excel/WPS 中另存为 .xlsx 后再报送"
    except RuntimeError:  # zipfile: a part encrypted with a password (it said 程序出错 before)
        return "工作簿内容已加密：请取消密码后另存为 .xlsx 再报送"
    except OSError as exc:
        return read_error_reason(exc)
    except (zipfile.BadZipFile, ValueError, EOFError, zlib.error):
        return BROKEN_PACKAGE


_OTHER_FORMATS = re.compile(r"^(?:mimetype|content\.xml)$|workbook\.bin$|worksheets/.*\.bin$")
"""Parts of an OpenDocument spreadsheet or a binary (.xlsb) workbook, spelled as python-calamine
finds them: it opens those formats too, whatever the file is called, and their sheets are not
measured here (a review's 806-byte .ods asked for 1.6 GB)."""


def _package_reason(infos: list[zipfile.ZipInfo]) -> str | None:
    if any(_OTHER_FORMATS.search(_spelling(i.filename)) for i in infos):
        return (
            "这不是 .xlsx 工作簿（是 .ods 或 .xlsb 格式）：请在 Excel/WPS 中另存为 .xlsx 后再报送"
        )
    if len(infos) > MAX_PARTS:
        return f"文件内部条目过多（{len(infos)} 个），不是正常的工作簿"
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        return "解压后超过 512 MB（可能是压缩炸弹），已拒绝读取"
    for info in infos:
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) + RATIO_SLACK:
            return f"“{info.filename}”压缩比异常（可能是压缩炸弹），已拒绝读取"
    return None


def _parts_reason(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], notes: CellNotes
) -> str | None:
    """Measure every XML part; note the sheets' error values and outward formulas on the way."""
    try:
        tabs, outward = _tab_names(archive)
    except _Refused as refused:
        return str(refused)
    harmless: set[bytes] = set()
    cells = 0
    strings = _StringUse()
    counting = any(_spelling(i.filename).endswith(_STRINGS_PART) for i in infos)
    notes.external_links = any(i.filename.startswith("xl/externalLinks/") for i in infos)
    for info in infos:
        if info.is_dir():
            continue
        tab = tabs.get(info.filename)
        with archive.open(info) as part:
            head = part.read(CHUNK)
            if not _looks_like_xml(head):
                # A spreadsheet reader skips leading bytes and reads the cells after them, and
                # finds a sheet under other spellings of its name: a part holding cells is
                # refused whether or not it is known as a sheet.
                if tab is not None or _holds_cells(head, part):
                    return f"工作表“{tab or info.filename}”不是有效的 XML，工作簿已损坏"
                continue
            if info.file_size > MAX_PART:
                return f"“{info.filename}”解压后超过 64 MB，不是正常的模板工作簿，已拒绝读取"
            data = head + part.read()
        named = _spelling(info.filename).endswith(_STRINGS_PART)
        room = MAX_FILLED_CELLS - strings.filled
        measured = _measure(tab or info.filename, data, room, named, counting)
        cells += measured.cells
        strings.add(info, measured)
        if measured.reason:
            return measured.reason
        if cells > MAX_BOOK_CELLS or strings.filled > MAX_FILLED_CELLS:
            return _TOO_MANY_CELLS
        if tab is not None:
            reason = _note(notes, tab, data, harmless, measured.scanned, outward)
            if reason:
                return reason
    return strings.reason(archive)


MAX_STRING_BYTES = 512 * 1024 * 1024
"""What the texts of a workbook's cells may take in a reader's memory.  python-calamine copies
a shared string into every cell that takes it, and its values into Python strings: a review
made one 32,767-character text (Excel's own cell limit) taken by 12,012 cells, in a 131 KB
file, abort the reader; another, 60 MB inline texts starting with an emoji (a Python string
of 4 bytes a character)."""
MAX_FILLED_CELLS = 5_000_000
"""Cells holding something, all sheets together: a reader holds ~120 bytes for each (its
value and the Python object), where an empty cell of a sheet's grid costs a pointer."""
_TOO_MANY_CELLS = (
    f"工作簿的工作表合计超过 {MAX_BOOK_CELLS:,} 个单元格（或 {MAX_FILLED_CELLS:,} 个填写了内容的"
    "单元格），读取会耗尽内存：请删除多余的工作表后重新报送"
)
SMALLEST_CELL = 19
"""The fewest bytes a cell holding something is written in: ``<c r="A1"><v/></c>``."""
SMALLEST_STRING_CELL = 26
"""The fewest bytes a plainly written cell taking a shared string is written in, and some
(``<c r="A1" t="s"><v>0</v></c>``: 28)."""
TEXT_FACTOR = 5
"""What a text costs a reader for each byte it is written in, at most: a UTF-8 copy (up to
1.5 bytes, from UTF-16) and a Python string (up to 4 bytes a character)."""
ENTRY_COST = 24
"""What a reader holds for each entry of a shared-strings table, empty or not."""
_STRING_INDEX = re.compile(rb't="s"[^<>]*><v>([0-9]{1,9})</v></c>')
"""A plainly written shared-string cell holding one value and nothing else, and the string it
takes (a reader takes a cell's last value: a review paired a costly cell with its first)."""


class _StringUse:
    """What the texts of a workbook's cells cost a reader: each sheet's own texts (at most
    its bytes, :data:`TEXT_FACTOR` each), and the shared strings every cell taking one holds a
    copy of.  The shared strings in three steps, each only when the one before cannot tell:
    (1) every such cell taking the whole table (no parsing: a workbook written by jixiao has
    no table, a small one passes here); (2) every such cell taking the longest string; (3)
    each plainly written cell taking its own string (the parts read again from the package),
    the others the longest.  Before (2), without parsing, every such cell taking the most
    bytes any string of a plainly written table is written in (:func:`_longest_written`: what
    Excel and LibreOffice write passes there; parsing a table of a few thousand strings costs
    more than reading the workbook's sheets).  A plainly written sheet's cells are counted
    by its bytes (:data:`SMALLEST_STRING_CELL`), exactly only in (3).  And the cells holding
    something, all sheets together."""

    def __init__(self) -> None:
        self.tables: list[zipfile.ZipInfo] = []
        self.cells = 0
        self.taking: list[tuple[zipfile.ZipInfo, int, bool]] = []
        """The sheets with cells taking shared strings: how many, plainly written or not."""
        self.filled = 0
        self.own = 0
        """What the sheets' own texts cost at most."""

    def add(self, info: zipfile.ZipInfo, measured: _Measured) -> None:
        if measured.shared:
            self.tables.append(info)
        self.cells += measured.strings
        self.filled += measured.filled
        self.own += TEXT_FACTOR * measured.size
        if measured.strings:
            self.taking.append((info, measured.strings, measured.plain))

    def reason(self, archive: zipfile.ZipFile) -> str | None:
        table = sum(info.file_size for info in self.tables)
        base = self.own + ENTRY_COST * (table // 5)  # (an entry takes 5 bytes at least: <si/>)
        if base + self.cells * 2 * TEXT_FACTOR * table <= MAX_STRING_BYTES:
            return None  # (2 * TEXT_FACTOR: the cell's copy in the reader and in Python)
        total = base
        if self.tables and self.cells:
            written = [_longest_written(archive.read(info)) for info in self.tables]
            if None not in written:
                longest = TEXT_FACTOR * max(size or 0 for size in written)
                if base + self.cells * longest <= MAX_STRING_BYTES:
                    return None
            found = _string_costs(archive, self.tables)
            if found is None:
                return "共享字符串表不是有效的 XML，工作簿已损坏"
            costs, exact = found
            longest = max(costs, default=0)
            total = base + self.cells * longest
            if total > MAX_STRING_BYTES and exact:
                total = base
                for info, count, plain in self.taking:
                    data = archive.read(info)
                    taken = _taken(data, plain)
                    count = data.count(b't="s"') if plain else count  # (counted by bytes)
                    total += sum(costs[i] if 0 <= i < len(costs) else longest for i in taken)
                    total += max(count - len(taken), 0) * longest
        if total <= MAX_STRING_BYTES:
            return None
        size = total // (1024 * 1024)
        return (
            f"工作簿中单元格的文字合计约 {size:,} MB（文字过长，或同一段长文字被大量单元格引用），"
            "读取会耗尽内存：请删除多余的长文字后重新报送"
        )


def _longest_written(table: bytes) -> int | None:
    """The most bytes any string of a shared-strings table is written in, when the table is
    written plainly (its root ``<sst …>`` unprefixed, no comment, CDATA, processing
    instruction or namespace declaration after it): a reader ends a string at the first
    ``</si>`` after it starts (a string nested in another too), so each string's text lies
    between two ``</si>``; None otherwise (the table is then parsed)."""
    start = table.find(b"<sst")
    end = table.find(b">", start)
    if start < 0 or end < 0:
        return None
    body = table[end:]
    if b"<!" in table or b"<?" in body or b"xmlns" in body:
        return None
    return max(map(len, body.split(b"</si>")))


def _taken(data: bytes, plain: bool) -> list[int]:
    """The string each shared-string cell of a sheet takes (-1: not known), as a reader takes
    it (its last value); a plainly written sheet by one regex pass, any other cell by cell."""
    if plain:
        return [int(index) for index in _STRING_INDEX.findall(data)]
    cells = _StringCells()
    try:
        _parse(data, cells.start, end=cells.end, text=cells.text)
    except (expat.ExpatError, _Refused):
        return []  # (measured already: every cell counted at the longest)
    return cells.taken


class _StringCells:
    """The shared-string cells of a sheet not plainly written, and the string each takes."""

    def __init__(self) -> None:
        self.taken: list[int] = []
        self.cell = False
        self.value: list[str] | None = None
        self.last = ""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = _local(tag)
        if local == "c":
            self.cell = any(_local(k) == "t" and v.strip() == "s" for k, v in attributes.items())
            self.last = ""
        elif local == "v" and self.cell:
            self.value = []

    def text(self, data: str) -> None:
        if self.value is not None:
            self.value.append(data)

    def end(self, tag: str) -> None:
        local = _local(tag)
        if local == "v" and self.value is not None:
            self.last, self.value = "".join(self.value), None
        elif local == "c" and self.cell:
            written = self.last.strip()
            known = written.isascii() and written.isdigit() and len(written) <= 9
            self.taken.append(int(written) if known else -1)
            self.cell = False


def _string_costs(
    archive: zipfile.ZipFile, tables: list[zipfile.ZipInfo]
) -> tuple[list[int], bool] | None:
    """What each shared string costs a reader (its UTF-8 copy and its Python string), the
    largest of each position over the tables; and whether the positions can be trusted (not
    when a string is nested in another: a reader may count it apart).  Read as UTF-8 whatever
    the table declares, as python-calamine reads it (a review declared Latin-1 to make an
    emoji look like four narrow characters).  None when a table is not such XML."""
    costs: list[int] = []
    exact = True
    for info in tables:
        table = _StringTable()
        try:
            _parse(archive.read(info), table.start, end=table.end, text=table.text, utf8=True)
        except (expat.ExpatError, _Refused):
            return None
        exact = exact and not table.nested
        for position, cost in enumerate(table.costs):  # in place: many tables stay linear
            if position < len(costs):
                costs[position] = max(costs[position], cost)
            else:
                costs.append(cost)
    return costs, exact


class _StringTable:
    """The strings of a shared-strings table (every ``si``, all its text), as their costs."""

    def __init__(self) -> None:
        self.costs: list[int] = []
        self.depth = 0
        self.nested = False
        self.pieces: list[str] = []

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if _local(tag) == "si":
            self.nested = self.nested or self.depth > 0
            self.depth += 1

    def text(self, data: str) -> None:
        if self.depth:
            self.pieces.append(data)

    def end(self, tag: str) -> None:
        if _local(tag) == "si" and self.depth:
            self.depth -= 1
            if not self.depth:
                text, self.pieces = "".join(self.pieces), []
                widest = max(map(ord, text), default=0)
                width = 4 if widest > 0xFFFF else 2 if widest > 0xFF else 1
                self.costs.append(len(text.encode("utf-8", "surrogatepass")) + width * len(text))


_READ_ANYWAY = re.compile(rb"<(?:" + _PREFIX + rb")?(?:sheetData|sst)[\s/>]")
"""What a spreadsheet reader reads after leading junk: cells, or a shared-strings table."""


def _holds_cells(head: bytes, part: IO[bytes]) -> bool:
    """Whether a part that is not plainly XML holds cells or shared strings anywhere, read in
    chunks (an image or a binary part may be large; nothing is kept)."""
    tail, chunk = b"", head
    while chunk:
        if _READ_ANYWAY.search(tail + chunk):
            return True
        tail, chunk = chunk[-64:], part.read(CHUNK)
    return False


def _tab_names(archive: zipfile.ZipFile) -> tuple[dict[str, str], _Outward | None]:
    """Part path → the sheet's tab name, so a reason names what the clerk sees and the notes
    are known by tab, and the workbook's defined names that reach outside it.  Raises
    :class:`_Refused` when the workbook part is not XML (a review's mismatched end tag, which
    python-calamine reads past, left every note unsaid)."""
    parts, names = _sheet_parts(archive)
    return {part: tab for tab, part in parts.items()}, _Outward.of(names)


_NAME_TOKEN = re.compile(r"[\w.\\]+")
"""What may be a defined name in a formula (letters, digits, ``_``, ``.``, ``\\``)."""


class _Outward(NamedTuple):
    """The workbook's defined names whose formula reaches outside it, directly or through
    another name (a review hid ``WEBSERVICE`` behind ``=JX_FEED``, then behind a name using
    it, and behind a sheet's own name shadowed by a workbook name): a cell's formula using one
    reaches out too.  Names are compared case-folded, as Excel compares them, word by word
    (one dictionary look-up a word: 50,000 names in one pattern took minutes)."""

    kinds: dict[str, str]
    """Name (case-folded) → what it reaches outside with."""

    @staticmethod
    def of(names: list[tuple[str, str]]) -> _Outward | None:
        kinds: dict[str, str] = {}
        users: dict[str, list[str]] = {}
        for name, text in names:  # every definition (a sheet's own name, a workbook's)
            key = name.casefold()
            kind = _reach(text)
            if kind:
                kinds.setdefault(key, kind)
            for word in set(_NAME_TOKEN.findall(text.casefold())):
                users.setdefault(word, []).append(key)
        waiting = list(kinds)
        while waiting:  # through names using names, each name once
            source = waiting.pop()
            for user in users.get(source, []):
                if user not in kinds:
                    kinds[user] = kinds[source]
                    waiting.append(user)
        return _Outward(kinds) if kinds else None

    def reach(self, formula: str) -> str | None:
        for word in _NAME_TOKEN.findall(formula.casefold()):
            kind = self.kinds.get(word)
            if kind:
                return kind
        return None


def _looks_like_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 XML: parse it too
    return text.startswith(b"<")


class _Placement:
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
                raise _Refused(
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
            raise _Refused(f"工作表“{self.sheet}”的行号“{written[:20]}”无效")
        return int(digits)

    def _cell(self, written: str) -> tuple[int, int]:
        match = _REF.match(written.strip())
        if not match:
            raise _Refused(f"工作表“{self.sheet}”的单元格地址“{written[:20]}”无效")
        return int(match.group(2)), _column(match.group(1))


def _local(tag: str) -> str:
    """A tag's local name as python-calamine's XML reader takes it: after the first colon."""
    return tag.partition(":")[2] or tag


class _Extent:
    """How far a worksheet's cells reach, each placed as python-calamine places it
    (:class:`_Placement`).

    Only a cell holding something counts (issue #15, a review's false positives): a
    spreadsheet reader holds nothing for a cell with no child element (``<c r="M200000"
    s="3"/>``, a styled empty cell), for a row tag (a row height set on row 1,048,576) or for
    ``<dimension>``; a cell with any child counts (python-calamine holds it or refuses the
    workbook).  Every address is still checked where it is written, and every cell, empty or
    not, moves the counters the next cell written without ``r`` follows."""

    def __init__(self, name: str, room: int = 0) -> None:
        self.name = name
        self.room = room
        """The cells holding something the workbook may still have (0: no limit here)."""
        self.root: str | None = None
        self.measuring = False
        self.placement = _Placement(name)
        self.rows = 0
        self.columns = 0
        self.pending: tuple[int, int] | None = None
        """The open cell nothing has been seen in yet: it counts at its first child."""
        self.strings = 0
        """Cells taking a shared string (``t="s"``, whatever prefix the ``t`` carries)."""
        self.filled = 0
        """Cells holding something."""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = _local(tag)
        if self.root is None:
            self.root = local
            if local == "sst":
                _strings_counted(attributes)
            if local not in SHEET_ROOTS:
                raise _NotASheet
            raise _RootSeen
        if not self.measuring:
            self.measuring = True  # the second parse, from the top: skip the root again
            return
        if self.pending is not None:  # the open cell holds something
            self.filled += 1
            if self.filled > self.room > 0:  # stop at once (a review's 12 M cells took 51 s)
                raise _Refused(_TOO_MANY_CELLS)
            self.reach(*self.pending)
            self.pending = None
        self.pending = self.placement.start(local, attributes)
        if self.pending is not None and any(
            _local(name) == "t" and value.strip() == "s" for name, value in attributes.items()
        ):
            self.strings += 1

    def end(self, tag: str) -> None:
        self.pending = None  # a cell's end (or a child's: the cell counted at its start)
        self.placement.end(_local(tag))

    def reach(self, row: int, column: int) -> None:
        self.rows, self.columns = max(self.rows, row, 1), max(self.columns, column)
        if self.rows * max(self.columns, 1) > MAX_SHEET_CELLS:
            raise _Refused(
                f"工作表中有远离表格的单元格（最远到 {a1(self.rows, max(self.columns, 1))} 附近），"
                "读取会耗尽内存：请删除表格以外误填的内容后重新报送"
            )


MAX_STRINGS = 1_000_000
"""Entries a shared-strings table may declare: python-calamine reserves room for its
``uniqueCount`` before reading one (ten billion aborted the process; a template has a few
thousand)."""


def _strings_counted(attributes: dict[str, str]) -> None:
    for name in ("count", "uniqueCount"):
        written = attributes.get(name, "0").strip()
        if (
            not (written.isascii() and written.isdigit())
            or len(written) > 9
            or int(written) > MAX_STRINGS
        ):
            raise _Refused(
                f"共享字符串表声明的条目数“{written[:20]}”异常，不是正常的工作簿："
                "请在 Excel/WPS 中打开后另存为 .xlsx 再报送"
            )


def _forbid(*_: object) -> None:
    raise _Refused("含 DTD/实体声明（可能是恶意文件），正常工作簿不会有，已拒绝读取")


class _Measured(NamedTuple):
    reason: str | None
    """Why the part is refused (None: it is not)."""
    scanned: list[bytes] | None
    """What the scan of a plainly written worksheet found (None: not scanned, or no sheet)."""
    cells: int
    """The cells a spreadsheet reader holds for it (0: not a sheet)."""
    strings: int = 0
    """A worksheet's cells taking a shared string (``t="s"``; a plainly written sheet: every
    ``t="s"`` in it)."""
    plain: bool = False
    """Every row and cell tag of the worksheet is written plainly (the scan settled it)."""
    shared: bool = False
    """The part is a shared-strings table."""
    filled: int = 0
    """A worksheet's cells holding something (a plainly written sheet: the most its bytes
    can write, one cell in every :data:`SMALLEST_CELL` bytes)."""
    size: int = 0
    """A worksheet's bytes: the most text its own cells can hold (inline strings, formula
    results, numbers)."""


def _measure(
    name: str,
    data: bytes,
    filled: int = MAX_FILLED_CELLS,
    named: bool = True,
    counting: bool = True,
) -> _Measured:
    """Parse one XML part: the reason to refuse it, what the scan found, what it costs
    (``filled``: the cells holding something the workbook may still have; ``named``: the part
    is called as a shared-strings table; ``counting``: the package has one so called, so a
    plainly written sheet's shared-string cells are counted, not bounded by its bytes)."""
    extent = _Extent(name, filled)
    try:
        sheet = _is_sheet(data, extent)
        suspect = named or not sheet  # (a reader takes its table from a part so named)
        if suspect and extent.root != "sst" and b"sst" in data and _STRING_TABLE.search(data):
            # a reader takes the shared strings from the first sst tag at any depth
            reason = f"“{name}”含有共享字符串表，但不是正常的结构，已拒绝读取"
            return _Measured(reason, None, 0)
        if not sheet:
            if _SHEET_DATA.search(data):  # cells under another root: read all the same
                reason = f"“{name}”含有单元格数据，但不是正常的工作表结构，已拒绝读取"
                return _Measured(reason, None, 0)
            return _Measured(None, None, 0, shared=extent.root == "sst")
        utf16 = b"\x00" in data[:512]  # the byte scans see no tags in it: expat measures it
        scanned = None if utf16 else _plain_scan(data)
        if scanned is None and (utf16 or not _near(data)):
            _parse(data, extent.start, end=extent.end)
            cells = extent.rows * max(extent.columns, 1)
            filled = extent.filled
            return _Measured(None, None, cells, extent.strings, filled=filled, size=len(data))
    except _Refused as refused:
        reason = str(refused)
        return _Measured(reason if "工作表" in reason else f"“{name}”{reason}", None, 0)
    except expat.ExpatError:
        return _Measured(f"“{name}”不是有效的 XML，工作簿已损坏", None, 0)
    strings = data.count(b't="s"') if counting else len(data) // SMALLEST_STRING_CELL
    filled = len(data) // SMALLEST_CELL
    return _Measured(None, scanned, NEAR_CELLS, strings, True, filled=filled, size=len(data))


def _is_sheet(data: bytes, extent: _Extent) -> bool:
    """Read up to the root element (refusing a DTD on the way): is it a worksheet?"""
    try:
        _parse(data, extent.start)
    except _NotASheet:
        return False
    except _RootSeen:
        return True
    return False  # no root element: an empty part


def _parse(
    data: bytes,
    start: Callable[[str, dict[str, str]], None],
    namespaces: bool = False,
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
    utf8: bool = False,
) -> None:
    parser = expat.ParserCreate(
        encoding="utf-8" if utf8 else None, namespace_separator="}" if namespaces else None
    )
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.buffer_text = True  # one call per run of text, not one per character reference
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


_NEAR = rb'r="(?:A?[A-Z])?[0-9]{1,3}"'
"""A cell or row within A1:AZ999, written as Excel, WPS, LibreOffice and openpyxl write it
(jixiao's own sheets reach AY86)."""
NEAR_CELLS = 52 * 999
"""What a sheet the scan settles counts against :data:`MAX_BOOK_CELLS` (the most it holds)."""
_ATTRIBUTE_NAMES = (
    rb"(?:s|cm|vm|ph|spans|ht|hidden|customHeight|customFormat|outlineLevel|collapsed"
    rb"|thickTop|thickBot|x14ac:dyDescent)"
)
"""The attributes besides ``r`` and ``t`` that Excel, WPS, LibreOffice, openpyxl and
XlsxWriter write on rows and cells."""
_ATTRIBUTES = rb"(?: (?:" + _ATTRIBUTE_NAMES + rb'|t)="[^"<>]*")*\s*/?>'
"""The rest of a plainly written row or cell tag: known attributes after one space each, in
double quotes holding no ``<`` or ``>``, up to the tag's end.  Never another ``r``: a
spreadsheet reader takes a tag's last ``r``, so a second one would place the cell elsewhere
(a review put a cell at XFD1048576 so); anything else is measured by expat, which refuses a
repeated attribute."""
_ATTRIBUTES_NO_ERROR = rb"(?: (?:" + _ATTRIBUTE_NAMES + rb'="[^"<>]*"|t="[^"e<>][^"<>]*"))*\s*/?>'
"""The same, and no ``t="e…"``: the cell holds no error value."""
_NOT_PLAIN = re.compile(
    rb"<(?:" + _PREFIX + rb"|(?:row|c)(?:[\t\n\r/>]| (?!" + _NEAR + _ATTRIBUTES + rb")))"
)
"""A namespace-prefixed tag, or a row or cell tag not written plainly within A1:AZ999 (one
pass over the part: the two tests used to be two)."""
_NEAR_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,2}[0-9]{1,4}:)?(?:A?[A-Z])?[0-9]{1,3}"')


_REACHING_WORDS = (
    "webservice",
    "filterxml",
    "image",
    "stockhistory",
    "translate",
    "detectlanguage",
    "copilot",
    "cube",
    "hyperlink",
    "rtd",
    "call",
    "register",
)
"""What any formula :data:`OUTSIDE` finds holds (lower-cased), besides ``[`` and ``|``."""
_REACHING_OUT = tuple(word.encode() for word in _REACHING_WORDS)
"""The same words as bytes, for a formula as written in the XML."""
_ASCII_REFERENCE = re.compile(rb"&#(?:0*[0-9]{1,3}|[xX]0*[0-9A-Fa-f]{1,2});")
"""A character reference that may spell a letter, bracket or bar (``&#87;EBSERVICE(``): XML
allows it in a formula, so text holding one is never passed over by the token test."""
_SCAN = re.compile(
    rb"<(?:"
    + _PREFIX
    + rb"|(?:row|c)(?:[\t\n\r/>]| (?!"
    + _NEAR
    + _ATTRIBUTES_NO_ERROR
    + rb"))|(f)\b[^<>]*(?<!/)>([^<]*)</f>|f\b(?![^<>]*/>))"
)
"""One pass over a worksheet for what the guard and the notes look for.  Groups 1 and 2: a
formula and its text, when the text holds no tag (no ``<``: nothing is passed over).  Any
other match is something the scan does not settle: a tag :data:`_NOT_PLAIN` finds, a plain
cell tag holding an error value (``t="e"``), or a formula whose text holds a tag (a comment,
a CDATA section).  Every repetition stops at the next ``<``: the scan is linear in the part
(a review found ``[^>]*`` quadratic over many unclosed ``<f`` tags)."""


def _plain_scan(data: bytes) -> list[bytes] | None:
    """The texts of a worksheet's formulas (as written in the XML), when every row and cell
    tag is written plainly within A1:AZ999 (what genuine templates are) and no cell holds an
    error value; None otherwise (the sheet is then measured by :func:`_near` or expat, and its
    notes read cell by cell: :class:`_Cells`).  One regex pass instead of three (issue #15:
    they were a third of the guard's time)."""
    found = _SCAN.findall(data)
    if not all(mark for mark, _ in found):
        return None
    if b"<dimension" in data and _NEAR_DIMENSION.search(data) is None:
        return None
    return [text for _, text in found]


def _near(data: bytes) -> bool:
    """True when every row and cell tag is written plainly and lies within A1:AZ999 (two
    regex passes: what genuine templates are); anything else is measured by expat."""
    if _NOT_PLAIN.search(data):
        return False
    return b"<dimension" not in data or _NEAR_DIMENSION.search(data) is not None


OUTSIDE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("DDE 命令", re.compile(r"\|")),
    ("外部工作簿", re.compile(r'\[[^\]]*\][^!\[\]"]*!')),  # [1]表!A1, '…\[b.xlsx]表'!A1
    (
        "网络函数",
        re.compile(
            r"\b(?:WEBSERVICE|FILTERXML|RTD|IMAGE|STOCKHISTORY|TRANSLATE|DETECTLANGUAGE|COPILOT"
            r"|CUBE[A-Z]*)\s*\(",
            re.IGNORECASE,
        ),
    ),
    ("宏函数", re.compile(r"\b(?:CALL|REGISTER(?:\.ID)?)\s*\(", re.IGNORECASE)),
    ("超链接", re.compile(r'\bHYPERLINK\s*\((?!\s*"#)', re.IGNORECASE)),
)
"""What a formula reaches outside the workbook with, in the words a clerk would use.  Another
workbook is a bracket before a sheet's ``!`` (a table's columns, ``表1[金额]``, and a text
"[待填]" are none: a review found them called 外部工作簿).  A
HYPERLINK whose address is written as text starting with ``#`` goes to a place in the same
workbook (whatever follows: "#http://…" is no web address), so it reaches nothing: the
总览 sheet's links to the project sheets are no note, and that sheet is no longer read cell
by cell on every read (~2 ms a file, issue #15)."""


@dataclass(slots=True)
class CellNotes:
    """What python-calamine does not say about a workbook's cells."""

    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    """Error values (``#REF!``) by sheet and cell: calamine reads them as blank."""
    outside: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    """Formulas reaching outside the workbook, by sheet and cell: (formula, what it reaches)."""
    external_links: bool = False
    """The package links other workbooks or DDE sources (``xl/externalLinks/``)."""


def cell_notes(path: Path) -> CellNotes:
    """Error values and outward-reaching formulas, from the package (which the guard has
    passed already); empty notes when the package is not laid out as Excel writes it."""
    return inspect(path)[1]


def _note(
    notes: CellNotes,
    sheet: str,
    data: bytes,
    harmless: set[bytes],
    scanned: list[bytes] | None,
    outward: _Outward | None = None,
) -> str | None:
    """A sheet's error values and outward-reaching formulas into ``notes`` (a reason to refuse
    the workbook when the sheet turns out not to be XML).  ``harmless``
    holds the formulas already seen to reach nowhere: a template repeats the same formulas on
    every project sheet, so each is tested once per workbook, not once per sheet.  ``scanned``
    is what the guard's scan found already (None: search the sheet here).  ``outward``: the
    defined names reaching outside (then every formula is read: any may use one)."""
    if scanned is not None:
        found = set(scanned) - harmless
        if not any(_reach(_unescaped(f), outward) for f in found if outward or _may_reach_out(f)):
            harmless |= found  # no error value, no formula reaching out: nothing to note
            return None
    # Read in full where the scan did not settle it or saw a formula that may reach out:
    cells = _Cells(sheet)  # (only a sheet with an error value or a formula reaching out)
    try:
        _parse(data, cells.start, end=cells.end, text=cells.text)
    except expat.ExpatError:  # a sheet the scan let through unparsed, read here in full
        return f"工作表“{sheet}”不是有效的 XML，工作簿已损坏"
    except _Refused as refused:
        return str(refused)
    if cells.errors:
        notes.errors[sheet] = cells.errors
    outside = {
        ref: (formula, kind)
        for ref, formula in cells.shared_out()
        if (kind := _reach(formula, outward))
    }
    if outside:
        notes.outside[sheet] = outside
    return None


def _may_reach_out(data: bytes) -> bool:
    """Cheap test (a few byte searches) that a formula as written in the XML may reach
    outside the workbook; only then is it decoded and matched (:data:`OUTSIDE`), which costs
    a hundred times more.  Case-insensitive, as Excel reads a formula."""
    if b"[" in data or b"|" in data or _ASCII_REFERENCE.search(data):
        return True
    lowered = data.lower()
    return any(token in lowered for token in _REACHING_OUT)


class _Cells:
    """A sheet read cell by cell with expat, every cell placed as python-calamine places it
    (:class:`_Placement`): its error value and its formula's text.  Used where the scan does
    not settle a sheet, so that no way of writing a cell (attributes in another order, quotes,
    prefixes, comments or CDATA in a formula, cells without ``r``) hides an error value or a
    formula reaching out, or notes it at another cell than the one read."""

    def __init__(self, sheet: str) -> None:
        self.placement = _Placement(sheet)
        self.ref = ""
        self.error = False
        self.reading: str | None = None
        self.pieces: list[str] = []
        self.errors: dict[str, str] = {}
        self.formulas: list[tuple[str, str]] = []
        self.group: str | None = None
        """The shared-formula group (``si``) of the formula being read."""
        self.groups: dict[str, str] = {}
        """Shared-formula group → the text its first cell writes."""
        self.members: list[tuple[str, str]] = []
        """(cell, group) of every cell in a shared-formula group."""
        self.spread: str | None = None
        """The range an array formula (or a data table) being read fills."""
        self.arrays: list[tuple[str, str]] = []
        """(range, formula) of every array formula and data table."""

    def shared_out(self) -> list[tuple[str, str]]:
        """Every cell's formula; a shared-formula group's cells with the text its first cell
        writes (Excel fills a formula down so: ``<f t="shared" si="0"/>`` on every cell
        below), every cell an array formula fills with its formula (a review hid WEBSERVICE
        both ways: the formula is written on one cell only).  An array's cells are taken
        within A1:AZ999, where a template's inputs are, up to :data:`SPREAD_CELLS` a sheet."""
        found = self.formulas + [
            (ref, self.groups[group]) for ref, group in self.members if group in self.groups
        ]
        room = SPREAD_CELLS
        for spread, formula in self.arrays:
            if room <= 0:
                break
            for ref in _cells_of(spread, room):
                found.append((ref, formula))
                room -= 1
        return found

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = _local(tag)
        placed = self.placement.start(local, attributes)
        if placed is not None:
            self.ref = a1(max(placed[0], 1), placed[1])
            self.error = attributes.get("t", "").strip() == "e"
            if self.error:
                self.errors[self.ref] = "#N/A"  # unless its value says which
        elif local in ("f", "v") and self.ref:
            self.reading, self.pieces = local, []
            if local == "f":
                kind = attributes.get("t", "").strip()
                shared = kind == "shared" and attributes.get("si")
                self.group = _group(attributes["si"]) if shared else None
                if self.group is not None:
                    self.members.append((self.ref, self.group))
                spread = kind in ("array", "dataTable") and attributes.get("ref")
                self.spread = attributes["ref"] if spread else None

    def text(self, data: str) -> None:
        if self.reading:
            self.pieces.append(data)

    def end(self, tag: str) -> None:
        local = _local(tag)
        self.placement.end(local)
        if local == "c":
            self.ref, self.reading = "", None
        elif local == self.reading:
            written = "".join(self.pieces)
            if local == "f":
                self.formulas.append((self.ref, written))
                if self.group is not None and written.strip():
                    self.groups.setdefault(self.group, written)
                if self.spread:
                    self.arrays.append((self.spread, written))
            elif self.error and 1 <= len(written) <= 20:
                self.errors[self.ref] = written
            self.reading = None


SPREAD_CELLS = 100_000
"""The most cells of array formulas a sheet's notes take (a range may span a whole sheet)."""


def _group(written: str) -> str:
    """A shared-formula group as a number reads it (``00`` and ``+0`` are group 0, as
    LibreOffice reads them)."""
    text = written.strip().lstrip("+")
    return str(int(text)) if text.isascii() and text.isdigit() and len(text) < 10 else text


def _cells_of(spread: str, room: int) -> list[str]:
    """The cells of a range (``A15:B15``) within A1:AZ999, at most ``room`` of them."""
    corners = [_REF.match(corner.strip()) for corner in spread.split(":", 1)]
    if not all(corners) or room <= 0:
        return []
    (first_row, first_column), (last_row, last_column) = [
        (int(m.group(2)), _column(m.group(1))) for m in corners if m is not None
    ] * (2 if len(corners) == 1 else 1)
    rows = range(max(first_row, 1), min(last_row, 999) + 1)
    columns = range(max(first_column, 1), min(last_column, 52) + 1)
    return list(islice((a1(row, column) for row in rows for column in columns), room))


def _column(letters: str) -> int:
    """``A`` → 1, any number of letters (:func:`jixiao.a1.column_number` refuses a column
    beyond XFD, which the guard must measure to refuse it in Chinese)."""
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return column


_REFERENCE = re.compile(rb"&(?:#([0-9]+)|#[xX]([0-9A-Fa-f]+)|(amp|lt|gt|quot|apos));")
"""A character reference (any number of leading zeros: ``&#x00000057;`` is ``W``) or one of
XML's five named entities."""
_NAMED = {b"amp": "&", b"lt": "<", b"gt": ">", b"quot": '"', b"apos": "'"}


def _unescaped(written: bytes) -> str:
    """A formula's text as written in the XML (no tags in it: the scan took only such texts)
    as XML reads it: character references and the five named entities replaced."""
    text = written.decode("utf-8", "replace")
    if "&" not in text:
        return text
    pieces, last = [], 0
    for match in _REFERENCE.finditer(written):
        pieces.append(written[last : match.start()].decode("utf-8", "replace"))
        decimal, hexadecimal, name = match.groups()
        if name:
            pieces.append(_NAMED[name])
        else:
            digits = (decimal or hexadecimal).lstrip(b"0") or b"0"
            code = int(digits, 10 if decimal else 16) if len(digits) <= 7 else -1
            pieces.append(chr(code) if 0 <= code <= 0x10FFFF else "\ufffd")
        last = match.end()
    pieces.append(written[last:].decode("utf-8", "replace"))
    return "".join(pieces)


def _reach(formula: str, outward: _Outward | None = None) -> str | None:
    """What ``formula`` reaches outside the workbook with (:data:`OUTSIDE`, or a defined name
    in ``outward``), or None; a few substring tests first, as the patterns cost a hundred
    times more."""
    lowered = formula.lower()
    if "[" in formula or "|" in formula or any(word in lowered for word in _REACHING_WORDS):
        kind = next((kind for kind, pattern in OUTSIDE if pattern.search(formula)), None)
        if kind:
            return kind
    return outward.reach(formula) if outward else None


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Sheet name → its part's name in the package, through the package's relationships to
    the workbook part and the workbook's to its sheets, read as python-calamine reads them:
    part names case-insensitive with ``\\`` as ``/``, elements and attributes by their local
    names whatever their namespace (Strict Open XML, an ``r`` prefix bound elsewhere), the
    last relationship to the workbook part.  And every defined name with its formula.  A
    missing relationships part falls back to Excel's own names; a part that is not XML
    raises :class:`_Refused`."""
    names = {_spelling(name): name for name in archive.namelist()}

    def read(part: str) -> bytes:
        found = names.get(_spelling(part))
        return archive.read(found) if found else b""

    book = "xl/workbook.xml"
    for relation in _elements(read("_rels/.rels"), "Relationship"):
        if relation.get("Type", "").endswith("/officeDocument"):
            book = _resolved("", relation.get("Target", ""))
    folder, _, file = book.rpartition("/")
    relations = _elements(read(posixpath.join(folder, "_rels", f"{file}.rels")), "Relationship")
    targets = {r.get("Id"): r.get("Target", "") for r in relations}
    parts: dict[str, str] = {}
    defined: list[tuple[str, str]] = []
    for sheet in _elements(read(book), "sheet", "definedName", defined):
        target = targets.get(sheet.get("id"), "")
        part = names.get(_spelling(_resolved(folder, target))) if target else None
        if part is not None:
            parts[sheet.get("name", "")] = part
    return parts, defined


def _spelling(part: str) -> str:
    """A part name as python-calamine looks it up: case and slashes do not matter."""
    return part.replace("\\", "/").lstrip("/").lower()


def _resolved(folder: str, target: str) -> str:
    """A relationship's target, relative to ``folder`` unless it starts with ``/``."""
    target = target.replace("\\", "/")
    whole = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
    return posixpath.normpath(whole)


def _elements(
    data: bytes, name: str, texts: str | None = None, into: list[tuple[str, str]] | None = None
) -> list[dict[str, str]]:
    """The attributes of every element whose local name is ``name``, by their local names (a
    namespaced attribute before a plain one of the same name), read by expat with DTDs and
    entities refused as everywhere in the guard (no ElementTree: its import alone is a
    noticeable part of a command's start-up); and (``name`` attribute, text) of every element
    whose local name is ``texts``, ``into``.  Nothing for no data; :class:`_Refused` when the
    data is not XML."""
    found: list[dict[str, str]] = []
    reading: list[str] = []
    pieces: list[str] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if local == name:
            plain = {key: value for key, value in attributes.items() if "}" not in key}
            spaced = {key.rpartition("}")[2]: v for key, v in attributes.items() if "}" in key}
            found.append(plain | spaced)
        elif texts is not None and local == texts:
            reading[:], pieces[:] = [attributes.get("name", "")], []

    def text(data: str) -> None:
        if reading:
            pieces.append(data)

    def end(tag: str) -> None:
        if reading and into is not None and tag.rpartition("}")[2] == texts:
            into.append((reading.pop(), "".join(pieces)))

    if not data:
        return found
    try:
        _parse(data, start, namespaces=True, end=end, text=text)
    except expat.ExpatError as error:
        raise _Refused(
            "工作簿的结构部分不是有效的 XML，工作簿已损坏："
            "请在 Excel/WPS 中打开后另存为 .xlsx 再报送"
        ) from error
    return found
