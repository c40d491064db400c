"""A request checked before any work is done: what every flow refuses, in Chinese.

An output that already exists is never overwritten unless ``force`` is given; an output that
is one of the inputs, a folder, a file open in Excel/WPS (on Windows: it cannot be replaced)
or inside a folder that cannot be written is always refused; an output's name must say what is
written into it (``.xlsx``, ``.json``, ``.docx``).  A refused request raises
:class:`ActionError` (the command line exits 2, the ribbon shows the message); the flows
(:mod:`jixiao.service.actions`, :mod:`jixiao.service.import_export`,
:mod:`jixiao.service.publish`, ``jixiao excel bundle``) ask here first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from jixiao.filekinds import describe, folder_kinds
from jixiao.textfiles import readable_path


class ActionError(Exception):
    """A request refused before any work is done, or a flow that cannot go on (Chinese)."""


class OutputExists(ActionError):
    """The output files exist and ``force`` was not given."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = tuple(paths)
        listed = "、".join(f"“{readable_path(p)}”" for p in self.paths)
        super().__init__(f"输出文件已存在：{listed}，不会覆盖")


class OutputIsInput(ActionError):
    """The output is one of the files to be read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"输出文件“{readable_path(path)}”也是要读取的输入文件：请把输出写到别处，源文件从不修改"
        )


def nothing_found(verb: str) -> ActionError:
    """``没有找到可校验的文件（支持 …）``: the supported kinds come from :mod:`jixiao.filekinds`."""
    return ActionError(
        f"没有找到可{verb}的文件（支持 {describe()}；文件夹中查找 {folder_kinds()}）"
    )


def check_outputs(
    outputs: Sequence[Path], inputs: Iterable[Path] = (), force: bool = False
) -> None:
    """Refuse outputs that are inputs, folders, or (without ``force``) existing files."""
    existing = [path for path in outputs if path.exists()]
    if existing:
        stats = [os.stat(path) for path in inputs if path.is_file()]
        for path in existing:
            if any(os.path.samestat(os.stat(path), other) for other in stats):
                raise OutputIsInput(path)
            if path.is_dir():
                raise ActionError(f"输出“{readable_path(path)}”是一个文件夹：请给出输出文件的名称")
    if existing and not force:
        raise OutputExists(existing)
    for path in existing:
        _replaceable(path)
    for path in outputs:
        folder = _nearest_existing(path.absolute().parent)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ActionError(
                f"无法在“{readable_path(folder)}”中写入输出（文件夹是只读的或没有权限）："
                "请换一个输出位置"
            )


OUTPUT_KINDS = {".xlsx": "Excel 工作簿", ".json": "JSON 文件", ".docx": "Word 文档"}
"""What each output suffix is called in the refusal below."""


def require_suffix(output: Path, action: str, suffix: str = ".xlsx") -> None:
    """Refuse an output whose name does not say what is written into it: an ``汇总.json`` that
    is a workbook opens nowhere, and the next scan of the folder reports it unreadable.  An
    existing folder is left to :func:`check_outputs`, which says so."""
    if Path(output).suffix.lower() != suffix and not Path(output).is_dir():
        raise ActionError(
            f"{action}写成 {OUTPUT_KINDS[suffix]}：输出文件名应以 {suffix} 结尾"
            f"（现在是“{Path(output).name}”）"
        )


def _replaceable(path: Path) -> None:
    """Refuse, before any work, an existing output that cannot be replaced: on Windows most
    often last run's 汇总.xlsx or 问题清单.csv still open in Excel/WPS (opening it for writing
    fails as replacing it would).  Opened for appending and closed: nothing is written."""
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        raise ActionError(
            f"无法覆盖“{readable_path(path)}”：文件可能正在 Excel/WPS 中打开，或是只读的。"
            "请先关闭它（或换一个输出位置），再运行一次"
        ) from exc


def _nearest_existing(folder: Path) -> Path:
    """The folder itself, or the closest parent that exists (outputs create the rest)."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder
