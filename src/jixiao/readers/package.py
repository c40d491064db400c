"""The package guard: what a workbook file must pass before any spreadsheet reader opens it.

Refuses zip bombs (bounded part count, unpacked size and ratio), XML with DTD/entity declarations
(billion laughs, external entities) and sheets whose used area would make a dense reader
allocate the whole grid.  Returns a Chinese reason, never raises.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as defused

from jixiao.a1 import a1, column_number

ZIP_MAGIC = b"PK\x03\x04"
MAX_PARTS = 10_000
MAX_UNPACKED = 512 * 1024 * 1024
MAX_RATIO = 200
RATIO_SLACK = 1024 * 1024
XML_PROLOGUE = 4096
MAX_SHEET_CELLS = 50_000_000
"""Rows × columns (counted as at least ZZ wide) a sheet may span: ~70,000 rows."""
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def preflight(path: Path) -> str | None:
    """Refuse hostile packages before any XML parser sees them: zip bombs (bounded sizes and
    ratios) and XML with DTD/entity declarations (billion laughs, external entities), which no
    genuine workbook contains.  Returns the reason, or None when the file looks sane."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                return f"文件内部条目过多（{len(infos)} 个），不是正常的工作簿"
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                return "解压后超过 512 MB（可能是压缩炸弹），已拒绝读取"
            for info in infos:
                if info.file_size > MAX_RATIO * max(info.compress_size, 1) + RATIO_SLACK:
                    return f"“{info.filename}”压缩比异常（可能是压缩炸弹），已拒绝读取"
            return _hostile_xml(archive, infos) or _oversized_sheet(archive, infos)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"工作簿已损坏或不是 .xlsx（{exc}）"


_ROW_NUMBER = re.compile(rb'<row\s[^>]*?r="([0-9]{1,7})"')
_FAR_COLUMN = re.compile(rb'<c\s[^>]*?r="([A-Z]{3})[0-9]')
TWO_LETTER_COLUMNS = 702  # ZZ


def _oversized_sheet(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    """A single stray cell far away (XFD1048576) makes a dense reader allocate the whole grid
    in between: refuse such sheets up front, naming the corner, instead of running out of
    memory.  Only row numbers and three-letter columns are looked at: a cheap scan."""
    for info in infos:
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        data = archive.read(info)
        rows = max((int(r) for r in _ROW_NUMBER.findall(data)), default=0)
        far = [column_number(c.decode()) for c in _FAR_COLUMN.findall(data)]
        columns = max(far, default=TWO_LETTER_COLUMNS)
        if rows * columns > MAX_SHEET_CELLS:
            corner = a1(min(rows, 1048576), min(columns, 16384))
            return (
                f"工作表中有远离表格的单元格（最远到 {corner} 附近），读取会耗尽内存："
                "请删除表格以外误填的内容后重新报送"
            )
    return None


def _hostile_xml(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    for info in infos:
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(info) as part:
            head = part.read(XML_PROLOGUE)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            try:
                defused.fromstring(archive.read(info))
            except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
                return f"“{info.filename}”含 DTD/实体声明（可能是恶意文件），已拒绝读取"
            except defused.ParseError:
                return f"“{info.filename}”不是有效的 XML"
            return f"“{info.filename}”含 DTD 声明，正常工作簿不会有，已拒绝读取"
    return None
