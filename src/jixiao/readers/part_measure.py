"""Measuring one XML part of a workbook package for the guard (:mod:`jixiao.readers.package`):
whether it is a worksheet, how far its cells reach and how many hold something (each placed as
python-calamine places it), what its texts may cost, and the parts a reader would misread: a
styles part too slow to read, cells or a shared-strings table under another root.  A plainly
written sheet is settled by :mod:`jixiao.readers.plain_scan` instead of expat."""

from __future__ import annotations

import re
from typing import NamedTuple
from xml.parsers import expat

from jixiao.a1 import a1
from jixiao.readers.plain_scan import NEAR_CELLS, near, plain_scan
from jixiao.readers.relationships import spelling
from jixiao.readers.text_budget import SMALLEST_STRING_CELL, strings_counted, takes_string
from jixiao.readers.xmlparts import PREFIX, Placement, Refused, local_name, parse_xml

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
STRINGS_PART = "sharedstrings.xml"
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


MAX_FILLED_CELLS = 5_000_000
"""Cells holding something, all sheets together: a reader holds ~120 bytes for each (its
value and the Python object), where an empty cell of a sheet's grid costs a pointer."""
TOO_MANY_CELLS = (
    f"工作簿的工作表合计超过 {MAX_BOOK_CELLS:,} 个单元格（或 {MAX_FILLED_CELLS:,} 个填写了内容的"
    "单元格），读取会耗尽内存：请删除多余的工作表后重新报送"
)
SMALLEST_CELL = 19
"""The fewest bytes a cell holding something is written in: ``<c r="A1"><v/></c>``."""


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
                raise Refused(TOO_MANY_CELLS)
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


def measure(
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
    spelled = spelling(part)
    named = spelled.endswith(STRINGS_PART)  # (a reader takes its tables by these names)
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
        scanned = None if utf16 else plain_scan(data)
        if scanned is None and (utf16 or not near(data)):
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
