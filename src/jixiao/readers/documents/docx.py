"""A .docx document → the same blocks as a text extraction, then the same reading.

Paragraphs and tables are read in body order.  Locations use ``Location.line`` for the ordinal
of the paragraph or table row in the document body (1-based, every paragraph and every table
row counted once): a Location cannot name a table and cell of a Word document, and the ordinal
is stable and easy to find.  python-docx repeats a merged cell's object across the grid: a
repeat within a row (horizontal merge) is dropped, a repeat from a row above (vertical merge,
e.g. 一级指标 over its rows) becomes an empty cell, which the reader fills down like the text.
Word's text is taken as typed: it has no Markdown, so ``**`` and a leading ``#`` stay
(``( ≥**个 )`` is a template's placeholder, not emphasis).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from jixiao.findings import Finding
from jixiao.model import Submission
from jixiao.readers.documents.lines import Block, Cell, clean, tidy
from jixiao.readers.documents.other import parse_other_blocks
from jixiao.readers.documents.text import read_blocks
from jixiao.rules.files import FILE_UNREADABLE, file_finding
from jixiao.textfiles import read_error_reason

MAX_PART_BYTES = 32 * 1024 * 1024
"""One XML part unpacked: a published document's body is a few MB at most."""
MAX_UNPACKED_BYTES = 96 * 1024 * 1024
"""All parts unpacked (pictures included)."""
MAX_PARTS = 5_000
MAX_ELEMENTS = 1_000_000
"""XML elements in one part: python-docx builds a tree of them (a 100-page document has
~100 000); millions of empty paragraphs are a bomb, not a published table."""
CHUNK = 64 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class Refused(Exception):
    """Why the document is not read (Chinese)."""


def import_docx(path: Path, file: str) -> tuple[Submission | None, list[Finding]]:
    """Read a .docx; an unreadable file is a ``file-unreadable`` finding, never an exception.

    The package is checked before python-docx parses it (part count and sizes, XML element
    count, no DTD or entity declarations), so a bomb is refused in a streaming pass."""
    try:
        guard(path)
        blocks = document_blocks(_open(path))
    except Refused as refused:
        return None, [file_finding(FILE_UNREADABLE, file, reason=str(refused))]
    except MemoryError:
        reason = "文档解开后过大，读取会耗尽内存，不像绩效目标文档"
        return None, [file_finding(FILE_UNREADABLE, file, reason=reason)]
    except Exception as exc:  # noqa: BLE001 - any failure to open is the file's problem
        return None, [file_finding(FILE_UNREADABLE, file, reason=_failure(exc))]
    return read_blocks(blocks, file, lambda: parse_other_blocks(blocks, file))


def _failure(exc: Exception) -> str:
    """A python-docx/lxml/zipfile failure in the clerk's words (their English is left out)."""
    if isinstance(exc, OSError):
        return read_error_reason(exc)
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "不是有效的 .docx 文档（压缩包已损坏）"
    if isinstance(exc, KeyError):
        return "不是完整的 .docx 文档（缺少正文等必需的部分）"
    if type(exc).__name__ == "XMLSyntaxError":
        return "不是有效的 .docx 文档（文档内容的 XML 已损坏）"
    if type(exc).__name__ == "PackageNotFoundError":
        return "不是有效的 .docx 文档（找不到 Word 文档的内容）"
    if isinstance(exc, ValueError) and "content type" in str(exc):
        return "不是 Word 文档（可能是改了扩展名的其他 Office 文件）"
    return "不是有效的 .docx 文档（无法解析）"


def guard(path: Path) -> None:
    """Raise :class:`Refused` for a file that is not a plain .docx package of sane size."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise Refused("文件是空的（0 字节）")
    if head.startswith(OLE_MAGIC):
        raise Refused("文件设置了打开密码（已加密），或是旧版 .doc 格式：请去掉密码或另存为 .docx")
    if not head.startswith(ZIP_MAGIC):
        raise Refused("不是 .docx 文档（文件内容不是 Word 的 Office Open XML 格式）")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise Refused(f"文件内部条目过多（{len(infos)} 个），不是正常的 Word 文档")
        total = sum(info.file_size for info in infos)
        if total > MAX_UNPACKED_BYTES:
            raise Refused(f"解压后有 {_megabytes(total)}，超过 96 MB（可能是压缩炸弹），已拒绝读取")
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            if info.file_size > MAX_PART_BYTES:
                raise Refused(
                    f"“{info.filename}”解压后有 {_megabytes(info.file_size)}，超过 32 MB"
                    "（可能是压缩炸弹），已拒绝读取"
                )
            with archive.open(info) as part:
                _check_xml(info.filename, part)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def _forbid(*_: object) -> None:
    raise Refused("含 DTD/实体声明（可能是恶意文件），正常文档不会有，已拒绝读取")


def _check_xml(name: str, part: IO[bytes]) -> None:
    """Stream one XML part through expat: no DTD or entities, not too many elements."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    elements = 0

    def start(*_: object) -> None:
        nonlocal elements
        elements += 1
        if elements > MAX_ELEMENTS:
            limit = MAX_ELEMENTS // 10_000
            raise Refused(f"“{name}”有超过 {limit} 万个元素（如空段落），已拒绝读取")

    parser.StartElementHandler = start
    try:
        while chunk := part.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Refused(f"“{name}”不是有效的 XML（文档已损坏）") from exc


def _open(path: Path) -> Any:
    import docx  # python-docx, imported only for .docx input

    return docx.Document(str(path))


def document_blocks(document: Any) -> list[Block]:
    """Paragraphs and table rows in body order, numbered by their ordinal."""
    from docx.table import Table

    blocks: list[Block] = []
    ordinal = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            ordinal = _table_blocks(item, ordinal, blocks)
            continue
        ordinal += 1
        for part in clean(item.text, markdown=False).splitlines():
            if part.strip():
                blocks.append(Block(ordinal, text=tidy(part)))
    return blocks


def _table_blocks(table: Any, ordinal: int, blocks: list[Block]) -> int:
    seen_above: set[Any] = set()  # the elements themselves: ids of dropped proxies are reused
    for row in table.rows:
        ordinal += 1
        cells: list[Cell] = []
        in_row: set[Any] = set()
        for cell in row.cells:
            key = cell._tc
            if key in in_row:
                continue  # the same cell again: merged across columns
            in_row.add(key)
            text = "" if key in seen_above else tidy(clean(cell.text, markdown=False))
            cells.append(Cell(text, ordinal))
        seen_above |= in_row
        blocks.append(Block(ordinal, cells=cells))
    return ordinal
