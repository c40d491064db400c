"""Published 绩效目标 documents (text extractions, .docx) → the submission model.

``import_document`` never raises on bad input: an unreadable, oversized or unsupported file is a
``file-unreadable`` finding, a fragment that cannot be placed is an ``import-unparsed`` finding.
Text documents point at 1-based lines; .docx documents at the ordinal of the paragraph or table
row in the document body (see :mod:`jixiao.readers.documents.docx`).

Text files are UTF-8, GB18030, or UTF-16 with a BOM (Notepad's "Unicode"); control characters
(BEL, ESC…) and U+FFFE/U+FFFF are dropped before reading — vertical tabs and form feeds, which
Word's text export leaves for manual line and page breaks, become spaces, so line numbers stay
the ones an editor shows.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from jixiao.filekinds import describe, suffixes
from jixiao.findings import Finding
from jixiao.model import Submission
from jixiao.readers.documents.text import parse_text
from jixiao.rules.files import FILE_UNREADABLE, file_finding
from jixiao.textfiles import holdable, read_error_reason

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
"""Published documents are well under 1 MB; a larger file is refused before it is read."""


_BREAKS_IN_A_LINE = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""Characters Python splits lines at but editors do not: kept as spaces within their line."""


def import_text(text: str, file: str) -> tuple[Submission | None, list[Finding]]:
    """Read the text of a document (as extracted by any converter)."""
    if len(text) > MAX_DOCUMENT_BYTES:
        return None, [
            file_finding(FILE_UNREADABLE, file, reason="文档超过 20 MB，不像绩效目标文档")
        ]
    if "\x00" in text[:4096]:
        return None, [file_finding(FILE_UNREADABLE, file, reason="不是文本文件（含二进制内容）")]
    text = holdable(_BREAKS_IN_A_LINE.sub(" ", text))
    if not text.strip():
        return None, [file_finding(FILE_UNREADABLE, file, reason="文件是空的")]
    return require_content(*parse_text(text, file), file)


def require_content(
    submission: Submission | None, findings: list[Finding], file: str
) -> tuple[Submission | None, list[Finding]]:
    """A document in which nothing of a 绩效目标 document was found is not one: say so, rather
    than return an empty submission that would validate as "no problems"."""
    if submission is not None and submission.projects:
        return submission, findings
    department = submission.department if submission else None
    if department and not department.is_empty:
        return submission, findings
    if any(f.code == FILE_UNREADABLE.code for f in findings):
        return None, findings
    reason = "没有找到项目支出绩效目标表或部门整体绩效目标，不像绩效目标文档"
    return None, [file_finding(FILE_UNREADABLE, file, reason=reason), *findings]


def import_document(path: Path) -> tuple[Submission | None, list[Finding]]:
    """Read a .txt/.md/.text extraction or a .docx document; findings point into ``path``."""
    file = path.name
    suffix = path.suffix.lower()
    if suffix not in suffixes("docx", "text"):
        reason = f"不支持的文档类型“{path.suffix or '无扩展名'}”（支持 {describe('docx', 'text')}）"
        return None, [file_finding(FILE_UNREADABLE, file, reason=reason)]
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            reason = "文档超过 20 MB，不像绩效目标文档"
            return None, [file_finding(FILE_UNREADABLE, file, reason=reason)]
        if suffix in suffixes("docx"):
            from jixiao.readers.documents.docx import import_docx  # python-docx only when needed

            return require_content(*import_docx(path, file), file)
        data = path.read_bytes()
    except OSError as exc:
        return None, [file_finding(FILE_UNREADABLE, file, reason=read_error_reason(exc))]
    return _decode_and_import(data, file)


def _decode_and_import(data: bytes, file: str) -> tuple[Submission | None, list[Finding]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return import_text(data.decode("utf-16"), file)
        except UnicodeDecodeError:
            reason = "开头标明是 UTF-16 编码，内容却不是（文件可能已损坏）"
            return None, [file_finding(FILE_UNREADABLE, file, reason=reason)]
    if b"\x00" in data[:4096]:
        return None, [file_finding(FILE_UNREADABLE, file, reason="不是文本文件（含二进制内容）")]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return import_text(data.decode(encoding), file)
        except UnicodeDecodeError:
            continue
    return None, [
        file_finding(FILE_UNREADABLE, file, reason="既不是 UTF-8 也不是 GB18030 编码的文本")
    ]


__all__ = ["MAX_DOCUMENT_BYTES", "import_document", "import_text"]
