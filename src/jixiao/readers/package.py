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

The guard's parts, one job a module: :mod:`~jixiao.readers.part_measure` measures one XML part
(a worksheet's extent, a styles part, a shared-strings table hidden elsewhere),
:mod:`~jixiao.readers.plain_scan` is the one regex pass that settles a plainly written sheet,
and :mod:`~jixiao.readers.relationships` finds the sheets and defined names as python-calamine
does; this module checks the zip itself and walks the parts.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import IO

from jixiao.readers.cell_notes import CellNotes, Outward, note_sheet
from jixiao.readers.part_measure import (
    MAX_BOOK_CELLS,
    MAX_FILLED_CELLS,
    STRINGS_PART,
    TOO_MANY_CELLS,
    measure,
)
from jixiao.readers.relationships import sheet_parts, spelling
from jixiao.readers.text_budget import StringUse
from jixiao.readers.xmlparts import CHUNK, PREFIX, Refused
from jixiao.textfiles import read_error_reason

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_PARTS = 10_000
MAX_UNPACKED = 512 * 1024 * 1024
MAX_PART = 64 * 1024 * 1024
"""One XML part unpacked: a filled template's largest sheet is well under 1 MB."""
MAX_RATIO = 200
RATIO_SLACK = 1024 * 1024


def preflight(path: Path) -> str | None:
    """The reason to refuse ``path`` before reading it, or None when it looks sane."""
    return inspect(path)[0]


def inspect(path: Path) -> tuple[str | None, CellNotes]:
    """The reason to refuse ``path`` (or None), and its cell notes when it is not refused."""
    notes = CellNotes()
    reason = _guard(path, notes)
    return reason, CellNotes() if reason else notes


def cell_notes(path: Path) -> CellNotes:
    """Error values and outward-reaching formulas, from the package (which the guard has
    passed already); empty notes when the package is not laid out as Excel writes it."""
    return inspect(path)[1]


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
    if any(_OTHER_FORMATS.search(spelling(i.filename)) for i in infos):
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
    counting = any(spelling(i.filename).endswith(STRINGS_PART) for i in infos)
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
        measured = measure(tab or info.filename, data, room, info.filename, counting, tab)
        cells += measured.cells
        filled += measured.filled
        strings.add(info, measured.shared, measured.strings, measured.plain, measured.size)
        if measured.reason:
            return measured.reason
        if cells > MAX_BOOK_CELLS or filled > MAX_FILLED_CELLS:
            return TOO_MANY_CELLS
        if tab is not None:
            reason = note_sheet(notes, tab, data, harmless, measured.scanned, outward)
            if reason:
                return reason
    return strings.reason(archive)


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
    parts, names = sheet_parts(archive)
    return {part: tab for tab, part in parts.items()}, Outward.of(names)


def _looks_like_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 XML: parse it too
    return text.startswith(b"<")
