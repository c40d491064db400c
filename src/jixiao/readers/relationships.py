"""Where a workbook package keeps its sheets, read as python-calamine reads it: the package's
relationships to the workbook part, the workbook's to its sheets, its defined names, and part
names spelled as calamine looks them up; a layout the two could read differently is refused
(for the package guard, :mod:`jixiao.readers.package`)."""

from __future__ import annotations

import posixpath
import zipfile
from xml.parsers import expat

from jixiao.readers.xmlparts import Refused, parse_xml


def sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Sheet name → its part's name in the package, through the package's relationships to
    the workbook part and the workbook's to its sheets, read as python-calamine reads them:
    part names case-insensitive with ``\\`` as ``/``, elements and attributes by their local
    names whatever their namespace (Strict Open XML, an ``r`` prefix bound elsewhere), the
    last relationship to the workbook part.  And every defined name with its formula.  A
    missing relationships part falls back to Excel's own names; a part that is not XML
    raises :class:`Refused`."""
    names = {spelling(name): name for name in archive.namelist()}

    def read(part: str) -> bytes:
        found = names.get(spelling(part))
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
        part = names.get(spelling(_resolved(folder, target))) if target else None
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


def spelling(part: str) -> str:
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
