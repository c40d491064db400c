"""The package guard: what a workbook file must pass before any spreadsheet reader opens it.

python-calamine builds each sheet as a dense grid from its first to its farthest cell, copies
a shared string into every cell taking it, and aborts the whole process when an allocation
fails.  So before it sees a file, every XML part of the package is checked here with a real
XML parser (expat: quoting, spacing, namespace prefixes, character references and cells
written without ``r`` are all read as calamine reads them: :class:`Placement`), and every
part whose root is a worksheet counts — wherever it is stored and whatever the relationships
call it.  Refused: zip bombs (part count, unpacked size, ratio), DTD and entity declarations
(billion laughs, external entities: no genuine workbook has them), parts too large for a
template, sheets whose extent would exceed :data:`MAX_SHEET_CELLS` (only cells holding
something count, as in calamine), all sheets together past :data:`MAX_BOOK_CELLS` cells or
:data:`MAX_FILLED_CELLS` cells holding something, and texts past :data:`MAX_STRING_BYTES`
(:class:`StringUse`: the sheets' own texts and every shared-string copy), a shared-strings
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
from pathlib import Path
from typing import IO, NamedTuple
from xml.parsers import expat

from jixiao.a1 import a1
from jixiao.readers.cell_notes import CellNotes, Outward, note_sheet
from jixiao.readers.text_budget import (
    SMALLEST_STRING_CELL,
    StringUse,
    strings_counted,
    takes_string,
)
from jixiao.readers.xmlparts import (
    CHUNK,
    PREFIX,
    Placement,
    Refused,
    local_name,
    parse_xml,
)
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
SHEET_ROOTS = frozenset({"worksheet", "dialogsheet", "macrosheet"})
_SHEET_DATA = re.compile(rb"<(?:" + PREFIX + rb")?sheetData[\s/>]")
"""A ``sheetData`` tag (text cannot hold a raw ``<``): spreadsheet readers take the cells under
it whatever the part's root is, so a part that has one is measured or refused, never skipped."""
_STRING_TABLE = re.compile(rb"<(?:" + PREFIX + rb")?sst[\s/>]")
_STRINGS_PART = "sharedstrings.xml"
"""The end of the name of the part python-calamine takes its shared strings from (in the
workbook part's folder, letter case aside)."""


_STYLES_PART = "styles.xml"
_LONG_FORMAT = re.compile(rb"""formatCode\s*=\s*(?:"[^"]{2048}|'[^']{2048})""")
_FORMAT = re.compile(rb"<(?:" + PREFIX + rb")?xf[\s/>]")
_RESAVE = "请在 Excel/WPS 中另存为 .xlsx 后再报送"
MAX_FORMATS = 65_000
"""Cell formats a styles part may hold (Excel's own limit is 64,000): python-calamine reads a
number format's code again for every format using it (a review's 50,000 formats of a 1 MB
code took 303 s of CPU)."""


def _styles_reason(data: bytes) -> str | None:
    """Why python-calamine would take too long over a styles part (None: it would not)."""
    if _LONG_FORMAT.search(data):
        return f"的数字格式过长（Excel 最多 255 个字符），不是正常的工作簿：{_RESAVE}"
    if len(_FORMAT.findall(data)) > MAX_FORMATS:
        return f"的单元格格式超过 {MAX_FORMATS:,} 种，不是正常的工作簿：{_RESAVE}"
    return None


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
    except MemoryError:
        return "工作簿内容过大，读取会耗尽内存：请删除多余的内容后重新报送"


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
        if _SECOND_NAME in _extra_fields(info.extra):
            name = info.filename
            return f"“{name}”在压缩包里另有一个名称，不是正常的工作簿：请另存为 .xlsx 后再报送"
    return None


_SECOND_NAME = 0x7075
"""The Info-ZIP Unicode Path extra field: a second name for an entry, which python-calamine's
zip reader goes by and Python's does not (a review made a sheet the shared-strings table for
calamine only).  Excel, WPS and LibreOffice never write it."""


def _extra_fields(extra: bytes) -> set[int]:
    """The kinds of an entry's extra fields (two-byte id, two-byte size, data, repeated)."""
    found: set[int] = set()
    at = 0
    while at + 4 <= len(extra):
        found.add(int.from_bytes(extra[at : at + 2], "little"))
        at += 4 + int.from_bytes(extra[at + 2 : at + 4], "little")
    return found


def _parts_reason(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], notes: CellNotes
) -> str | None:
    """Measure every XML part; note the sheets' error values and outward formulas on the way."""
    try:
        tabs, outward = _tab_names(archive)
    except Refused as refused:
        return str(refused)
    harmless: set[bytes] = set()
    cells = 0
    strings = StringUse()
    filled = 0
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
        room = MAX_FILLED_CELLS - filled
        measured = _measure(tab or info.filename, data, room, info.filename, counting, tab)
        cells += measured.cells
        filled += measured.filled
        strings.add(info, measured.shared, measured.strings, measured.plain, measured.size)
        if measured.reason:
            return measured.reason
        if cells > MAX_BOOK_CELLS or filled > MAX_FILLED_CELLS:
            return _TOO_MANY_CELLS
        if tab is not None:
            reason = note_sheet(notes, tab, data, harmless, measured.scanned, outward)
            if reason:
                return reason
    return strings.reason(archive)


MAX_FILLED_CELLS = 5_000_000
"""Cells holding something, all sheets together: a reader holds ~120 bytes for each (its
value and the Python object), where an empty cell of a sheet's grid costs a pointer."""
_TOO_MANY_CELLS = (
    f"工作簿的工作表合计超过 {MAX_BOOK_CELLS:,} 个单元格（或 {MAX_FILLED_CELLS:,} 个填写了内容的"
    "单元格），读取会耗尽内存：请删除多余的工作表后重新报送"
)
SMALLEST_CELL = 19
"""The fewest bytes a cell holding something is written in: ``<c r="A1"><v/></c>``."""
_READ_ANYWAY = re.compile(rb"<(?:" + PREFIX + rb")?(?:sheetData|sst)[\s/>]")
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


def _tab_names(archive: zipfile.ZipFile) -> tuple[dict[str, str], Outward | None]:
    """Part path → the sheet's tab name, so a reason names what the clerk sees and the notes
    are known by tab, and the workbook's defined names that reach outside it.  Raises
    :class:`Refused` when the workbook part is not XML (a review's mismatched end tag, which
    python-calamine reads past, left every note unsaid)."""
    parts, names = _sheet_parts(archive)
    return {part: tab for tab, part in parts.items()}, Outward.of(names)


def _looks_like_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 XML: parse it too
    return text.startswith(b"<")


class _Extent:
    """How far a worksheet's cells reach, each placed as python-calamine places it
    (:class:`Placement`).

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
        self.placement = Placement(name)
        self.rows = 0
        self.columns = 0
        self.pending: tuple[int, int] | None = None
        """The open cell nothing has been seen in yet: it counts at its first child."""
        self.strings = 0
        """Cells taking a shared string (``t="s"``, whatever prefix the ``t`` carries)."""
        self.filled = 0
        """Cells holding something."""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = local_name(tag)
        if self.root is None:
            self.root = local
            if local == "sst":
                strings_counted(attributes)
            if local not in SHEET_ROOTS:
                raise _NotASheet
            raise _RootSeen
        if not self.measuring:
            self.measuring = True  # the second parse, from the top: skip the root again
            return
        if self.pending is not None:  # the open cell holds something
            self.filled += 1
            if self.filled > self.room > 0:  # stop at once (a review's 12 M cells took 51 s)
                raise Refused(_TOO_MANY_CELLS)
            self.reach(*self.pending)
            self.pending = None
        self.pending = self.placement.start(local, attributes)
        if self.pending is not None and takes_string(attributes):
            self.strings += 1

    def end(self, tag: str) -> None:
        self.pending = None  # a cell's end (or a child's: the cell counted at its start)
        self.placement.end(local_name(tag))

    def reach(self, row: int, column: int) -> None:
        self.rows, self.columns = max(self.rows, row, 1), max(self.columns, column)
        if self.rows * max(self.columns, 1) > MAX_SHEET_CELLS:
            raise Refused(
                f"工作表中有远离表格的单元格（最远到 {a1(self.rows, max(self.columns, 1))} 附近），"
                "读取会耗尽内存：请删除表格以外误填的内容后重新报送"
            )


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
    filled: int,
    part: str,
    counting: bool,
    tab: str | None,
) -> _Measured:
    """Parse one XML part: the reason to refuse it, what the scan found, what it costs
    (``filled``: the cells holding something the workbook may still have; ``part``: its name
    in the package; ``counting``: the package has a part called as a shared-strings table, so
    a plainly written sheet's shared-string cells are counted, not bounded by its bytes;
    ``tab``: the tab naming it, if any)."""
    spelled = _spelling(part)
    named = spelled.endswith(_STRINGS_PART)  # (a reader takes its tables by these names)
    extent = _Extent(name, filled)
    try:
        sheet = _is_sheet(data, extent)
        if spelled.endswith(_STYLES_PART) or extent.root == "styleSheet":
            reason = _styles_reason(data)
            if reason:
                return _Measured(f"“{name}”{reason}", None, 0)
        suspect = named or not sheet  # (a reader takes its table from a part so named)
        if suspect and extent.root != "sst" and b"sst" in data and _STRING_TABLE.search(data):
            # a reader takes the shared strings from the first sst tag at any depth
            reason = f"“{name}”含有共享字符串表，但不是正常的结构，已拒绝读取"
            return _Measured(reason, None, 0)
        if not sheet:
            linked = extent.root == "externalLink" and tab is None  # (another workbook's values)
            if not linked and _SHEET_DATA.search(data):  # cells under another root: read too
                reason = f"“{name}”含有单元格数据，但不是正常的工作表结构，已拒绝读取"
                return _Measured(reason, None, 0)
            return _Measured(None, None, 0, shared=extent.root == "sst")
        utf16 = b"\x00" in data[:512]  # the byte scans see no tags in it: expat measures it
        scanned = None if utf16 else _plain_scan(data)
        if scanned is None and (utf16 or not _near(data)):
            parse_xml(data, extent.start, end=extent.end)
            cells = extent.rows * max(extent.columns, 1)
            filled = extent.filled
            return _Measured(None, None, cells, extent.strings, filled=filled, size=len(data))
    except Refused as refused:
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
        parse_xml(data, extent.start)
    except _NotASheet:
        return False
    except _RootSeen:
        return True
    return False  # no root element: an empty part


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
    rb"<(?:" + PREFIX + rb"|(?:row|c)(?:[\t\n\r/>]| (?!" + _NEAR + _ATTRIBUTES + rb")))"
)
"""A namespace-prefixed tag, or a row or cell tag not written plainly within A1:AZ999 (one
pass over the part: the two tests used to be two)."""
_NEAR_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,2}[0-9]{1,4}:)?(?:A?[A-Z])?[0-9]{1,3}"')
_SCAN = re.compile(
    rb"<(?:"
    + PREFIX
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


def cell_notes(path: Path) -> CellNotes:
    """Error values and outward-reaching formulas, from the package (which the guard has
    passed already); empty notes when the package is not laid out as Excel writes it."""
    return inspect(path)[1]


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Sheet name → its part's name in the package, through the package's relationships to
    the workbook part and the workbook's to its sheets, read as python-calamine reads them:
    part names case-insensitive with ``\\`` as ``/``, elements and attributes by their local
    names whatever their namespace (Strict Open XML, an ``r`` prefix bound elsewhere), the
    last relationship to the workbook part.  And every defined name with its formula.  A
    missing relationships part falls back to Excel's own names; a part that is not XML
    raises :class:`Refused`."""
    names = {_spelling(name): name for name in archive.namelist()}

    def read(part: str) -> bytes:
        found = names.get(_spelling(part))
        if found and archive.getinfo(found).file_size > MAX_STRUCTURE:
            size = archive.getinfo(found).file_size
            raise Refused(f"“{found}”解压后有 {size:,} 字节，不是正常的工作簿，已拒绝读取")
        return archive.read(found) if found else b""

    book = book_target = "xl/workbook.xml"
    for relation in _elements(read("_rels/.rels"), "Relationship"):
        if relation.get("Type", "").endswith("/officeDocument"):
            book_target = relation.get("Target", "")
            book = _resolved("", book_target)
    folder, _, file = book.rpartition("/")
    if file.lower() != "workbook.xml" or not _as_written("", book_target):
        raise Refused(_ODD_LAYOUT)  # (python-calamine reads workbook.xml whatever it is named)
    relations = _elements(read(posixpath.join(folder, "_rels", f"{file}.rels")), "Relationship")
    targets = {r.get("Id"): r.get("Target", "") for r in relations}
    parts: dict[str, str] = {}
    defined: list[tuple[str, str]] = []
    sheets = _elements(read(book), "sheet", "definedName", defined)
    if len(sheets) > MAX_SHEETS:
        raise Refused(f"工作簿有 {len(sheets):,} 张工作表，不是正常的模板工作簿，已拒绝读取")
    for sheet in sheets:
        target = targets.get(sheet.get("id"), "")
        if not _as_written(folder, target):
            raise Refused(_ODD_LAYOUT)  # (python-calamine looks such a name up as written)
        part = names.get(_spelling(_resolved(folder, target))) if target else None
        if part is not None:
            if part in parts.values():  # two tabs, one sheet: read (and kept) twice
                raise Refused(_ODD_LAYOUT)
            parts[sheet.get("name", "")] = part
    return parts, defined


MAX_STRUCTURE = 16 * 1024 * 1024
"""The workbook part and its relationships, unpacked (a template's: a few dozen KB); read
before the parts are measured (a review's 400 MB defined name ended in 程序出错)."""
MAX_SHEETS = 1_000
"""Tabs a workbook may have (a 200-project workbook has ~205): python-calamine builds a path
for each (a review's 1,100 tabs naming one 1 MB path aborted it)."""
MAX_TARGET = 1_024
"""The longest path a relationship may name."""


def _as_written(folder: str, target: str) -> bool:
    """Whether python-calamine finds the part a sheet's relationship names where the guard
    does: a short path with nothing to normalise (no ``\\``, ``.``, ``..`` or ``//``: it
    looks a path up as written, a review's decoy sheets)."""
    if len(target) > MAX_TARGET or "\\" in target:
        return False
    whole = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
    return not target or posixpath.normpath(whole) == whole


_ODD_LAYOUT = (
    "工作簿内部的文件布局不是 Excel/WPS 的写法（工作表或工作簿的路径异常），"
    "读取结果可能与 Excel 不一致：请在 Excel/WPS 中打开后另存为 .xlsx 再报送"
)
"""A package python-calamine and the guard could read differently (a review's decoy sheets:
a workbook part under another name, ``..`` or ``\\`` in a sheet's path)."""


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
    whose local name is ``texts``, ``into``.  Nothing for no data; :class:`Refused` when the
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
        parse_xml(data, start, namespaces=True, end=end, text=text)
    except expat.ExpatError as error:
        raise Refused(
            "工作簿的结构部分不是有效的 XML，工作簿已损坏："
            "请在 Excel/WPS 中打开后另存为 .xlsx 再报送"
        ) from error
    return found
