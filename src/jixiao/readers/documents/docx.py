"""A .docx document → the same blocks as a text extraction, then the same reading.

Paragraphs and tables are read in body order.  Locations use ``Location.line`` for the ordinal
of the paragraph or table row in the document body (1-based, every paragraph and every table
row counted once): a Location cannot name a table and cell of a Word document, and the ordinal
is stable and easy to find.  python-docx repeats a merged cell's object across the grid: a
repeat within a row (horizontal merge) is dropped, a repeat from a row above (vertical merge,
e.g. 一级指标 over its rows) becomes an empty cell, which the reader fills down like the text.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from jixiao.findings import Finding
from jixiao.model import Submission
from jixiao.readers.documents.lines import Block, Cell, clean, tidy
from jixiao.readers.documents.text import parse_blocks
from jixiao.rules.files import FILE_UNREADABLE, file_finding

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""A .docx that unpacks to more than this is refused (a zip bomb, not a published table)."""


def import_docx(path: Path, file: str) -> tuple[Submission | None, list[Finding]]:
    """Read a .docx; an unreadable file is a ``file-unreadable`` finding, never an exception."""
    try:
        document = _open(path)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the file's problem
        reason = f"不是有效的 .docx 文档（{type(exc).__name__}）"
        return None, [file_finding(FILE_UNREADABLE, file, reason=reason)]
    return parse_blocks(document_blocks(document), file)


def _open(path: Path) -> Any:
    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise ValueError("unpacked size too large")
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
        for part in clean(item.text).splitlines():
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
            text = "" if key in seen_above else tidy(clean(cell.text))
            cells.append(Cell(text, ordinal))
        seen_above |= in_row
        blocks.append(Block(ordinal, cells=cells))
    return ordinal
