"""Which files jixiao reads, and with which reader: the one registry of file kinds.

The folder scan, the readers, the CLI's help and every "supported: …" message ask this module.
Readers are named as ``module:function`` and imported only when a file of their kind is read,
so validating a workbook never loads python-docx, and ``jixiao --help`` loads no reader at all.
"""

from __future__ import annotations

import importlib
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from jixiao.atomic import TEMPORARY_PREFIX

if TYPE_CHECKING:
    from jixiao.findings import Finding
    from jixiao.model import Submission

Reader = Callable[[Path], "tuple[Submission | None, list[Finding]]"]


@dataclass(frozen=True, slots=True)
class FileKind:
    """One kind of input file."""

    name: str
    label: str
    """What a clerk calls it (Chinese)."""
    suffixes: tuple[str, ...]
    in_folders: bool
    """Picked up when a folder is scanned (text notes are read only when named)."""
    reader: str
    """``module:function`` that reads it into a submission and findings."""

    def load_reader(self) -> Reader:
        """The reader function, imported now."""
        module, _, function = self.reader.partition(":")
        return cast(Reader, getattr(importlib.import_module(module), function))


_XLSX = "jixiao.readers.xlsx:read_workbook"
_JSON = "jixiao.readers.interchange:load_submission"
_DOCUMENT = "jixiao.readers.documents:import_document"
KINDS: tuple[FileKind, ...] = (
    FileKind("workbook", "模板工作簿", (".xlsx", ".xlsm"), True, _XLSX),
    FileKind("interchange", "提交数据 JSON", (".json",), True, _JSON),
    FileKind("docx", "公开文档", (".docx",), True, _DOCUMENT),
    FileKind("text", "公开文档的文本", (".txt", ".md", ".text"), False, _DOCUMENT),
)

OTHER_SPREADSHEETS: tuple[str, ...] = (".xls", ".xlsb", ".et", ".ods", ".csv", ".wps", ".ett")
"""Spreadsheets of other formats: found in folders and reported with "另存为 .xlsx"."""

TEMPORARY_PREFIXES: tuple[str, ...] = ("~$", ".~lock", TEMPORARY_PREFIX)
"""Office/WPS/LibreOffice lock files and jixiao's own temporary files: never inputs."""

_BY_SUFFIX: dict[str, FileKind] = {s: kind for kind in KINDS for s in kind.suffixes}


def kind_of(path: Path | str) -> FileKind | None:
    """The kind of a file by its suffix (case-insensitive), None when jixiao cannot read it."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def by_name(name: str) -> FileKind:
    """A kind by its name (``workbook``, ``interchange``, ``docx``, ``text``)."""
    return next(kind for kind in KINDS if kind.name == name)


def suffixes(*names: str) -> tuple[str, ...]:
    """The suffixes of the named kinds (all kinds when none are named)."""
    return tuple(s for kind in KINDS if not names or kind.name in names for s in kind.suffixes)


def describe(*names: str) -> str:
    """``.xlsx、.xlsm、.json…`` for help texts and messages."""
    return "、".join(suffixes(*names))


def folder_kinds() -> str:
    """The suffixes a folder scan picks up, for messages (``.xlsx、.xlsm、.json、.docx``)."""
    return describe(*(kind.name for kind in KINDS if kind.in_folders))


def is_temporary(path: Path) -> bool:
    """A lock or temporary file of an office suite or of jixiao."""
    return path.name.startswith(TEMPORARY_PREFIXES)


PUBLICATION_MARK = "jixiao 公开文本"
"""The category jixiao writes into the documents it publishes (docProps/core.xml; Word and
WPS keep it when the clerk edits the text).  A folder scan passes such a document over, as it
passes over the summary it writes: a publication holds the same projects as the workbooks it
was made from, often in the same folder, and would be counted twice.  Named on the command
line (``jixiao validate 公开文本.docx``, ``jixiao import``) it is read like any document."""
_MARKED = re.compile(r"<(?:\w+:)?category>\s*" + re.escape(PUBLICATION_MARK) + r"\s*</")
_CORE_LIMIT = 64 * 1024


def is_publication(path: Path) -> bool:
    """A .docx that jixiao published (by its core properties; never raises)."""
    if path.suffix.lower() != ".docx":
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > _CORE_LIMIT:
                return False
            text = archive.read(info).decode("utf-8", "replace")
    except (OSError, KeyError, ValueError, RuntimeError, zipfile.BadZipFile, EOFError):
        return False
    return _MARKED.search(text) is not None


def in_folder_scan(path: Path) -> bool:
    """A file a folder scan picks up: readable kinds that are read in folders, and spreadsheets
    of other formats (so they are reported rather than passed over in silence); not a document
    jixiao published itself (:data:`PUBLICATION_MARK`)."""
    if is_temporary(path) or is_publication(path):
        return False
    kind = kind_of(path)
    return (kind is not None and kind.in_folders) or path.suffix.lower() in OTHER_SPREADSHEETS


def unsupported_reason(path: Path) -> str:
    """Why a file of no known kind is not read, and what to do (Chinese)."""
    suffix = path.suffix.lower()
    if suffix in OTHER_SPREADSHEETS:
        return f"{suffix} 格式的表格不能直接读取：请在 Excel/WPS 中另存为 .xlsx 后重新报送"
    shown = path.suffix or "无扩展名"
    return f"不支持的文件类型“{shown}”，支持 {describe()}"
