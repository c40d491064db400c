"""Problems found while importing a published document (text extraction or .docx).

Like the file-level rules, these are reported by the importer before any submission exists, so
no profile can switch them off: a fragment the importer could not place must never vanish.
"""

from __future__ import annotations

from jixiao.findings import Finding
from jixiao.model import Location
from jixiao.rules.base import define
from jixiao.rules.files import file_finding

IMPORT_UNPARSED = define(
    "import-unparsed",
    "warning",
    "文档内容无法识别",
    "导入时无法识别这段内容（{context}）：“{fragment}”",
    "核对原文档此处的内容，按表格版式在导入后的模板中手工补填或删除",
)


def unparsed(file: str, line: int | None, fragment: str, context: str) -> Finding:
    """An ``import-unparsed`` finding quoting ``fragment`` at a 1-based line of ``file``."""
    text = " ".join(fragment.split())
    return file_finding(
        IMPORT_UNPARSED, file, Location(file=file, line=line), fragment=text, context=context
    )
