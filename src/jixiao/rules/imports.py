"""Problems found while importing a published document (text extraction or .docx).

Like the file-level rules, these are reported by the importer before any submission exists, so
no profile can switch them off: a fragment the importer could not place must never vanish.
"""

from __future__ import annotations

from jixiao.findings import Finding
from jixiao.model import NOWHERE, Location
from jixiao.rules.base import define
from jixiao.rules.files import file_finding

IMPORT_UNPARSED = define(
    "import-unparsed",
    "warning",
    "文档内容无法识别",
    "导入时无法识别这段内容（{context}）：“{fragment}”",
    "核对原文档此处的内容，按表格版式在导入后的模板中手工补填或删除",
)
IMPORT_CLEANED = define(
    "import-cleaned",
    "info",
    "导入时清除了排版残留",
    "导入时清除了 {count} 处排版残留（LaTeX/HTML），单元格按清除后的文字读取：{examples}",
    "原文档中是左侧的写法，导入后的单元格是右侧的写法；核对无误即可",
)
IMPORT_SPLIT = define(
    "import-split",
    "info",
    "导入时拆开了粘连的单元格",
    "导入时拆开了 {count} 处粘连的单元格（文字提取把指标级别与后一格连在一起），"
    "按拆开后的单元格读取：{examples}",
    "原文档中是左侧的写法，导入后的单元格是右侧的写法（以“|”分隔）；核对无误即可",
)
IMPORT_NOT_CARRIED = define(
    "import-not-carried",
    "warning",
    "导入的内容在模板中没有格子",
    "文档中的{what}在{layout}模板中没有对应的格子，没有写入导入后的工作簿{why}",
    "这些内容仍在原文档中（可用 jixiao validate 直接检查原文档）；需要时在工作簿旁另行保存",
)
MAX_EXAMPLES = 2


def not_carried(file: str, what: list[str], layout: str, instead: str | None = None) -> Finding:
    """One ``import-not-carried`` finding: what a template has no cells for (``what``, in the
    clerk's words) was left out of the workbook written from a document; ``instead``: why the
    template that has those cells could not take the document."""
    why = f"（没有写入申报表，因为{instead}）" if instead else ""
    return file_finding(
        IMPORT_NOT_CARRIED, file, NOWHERE, what="、".join(what), layout=layout, why=why
    )


def cleaned(file: str, pieces: list[tuple[int, str, str]]) -> Finding:
    """One ``import-cleaned`` finding for a whole document: how many pieces of converter
    residue were removed, and the first few as ``第30行“$\\geq 85\\%$”→“≥85%”``."""
    distinct: dict[tuple[str, str], int] = {}
    for line, raw, clean in pieces:
        distinct.setdefault((raw, clean), line)
    shown = [f"第{line}行“{raw}”→“{clean}”" for (raw, clean), line in distinct.items()]
    examples = "；".join(shown[:MAX_EXAMPLES]) + ("等" if len(shown) > MAX_EXAMPLES else "")
    where = Location(file=file, line=pieces[0][0])
    return file_finding(IMPORT_CLEANED, file, where, count=len(pieces), examples=examples)


def split_cells(file: str, pieces: list[tuple[int, str, list[str]]]) -> Finding:
    """One ``import-split`` finding for a whole document: how many glued cells were split and
    the first as written (``第14行“数量指标88100”→“数量指标 | 88100”等``); the finding points at
    its line."""
    line, raw, parts = pieces[0]  # one example: a message stays one line (MAX_QUOTED)
    examples = f"第{line}行“{raw}”→“{' | '.join(parts)}”" + ("等" if len(pieces) > 1 else "")
    where = Location(file=file, line=pieces[0][0])
    return file_finding(IMPORT_SPLIT, file, where, count=len(pieces), examples=examples)


def unparsed(file: str, line: int | None, fragment: str, context: str) -> Finding:
    """An ``import-unparsed`` finding quoting ``fragment`` at a 1-based line of ``file``."""
    text = " ".join(fragment.split())
    return file_finding(
        IMPORT_UNPARSED, file, Location(file=file, line=line), fragment=text, context=context
    )
