"""The 绩效目标 ribbon's buttons, written once.

``addin/build.py`` generates ``customUI.xml`` (the tab) and the VBA module ``JixiaoRibbon`` (one
guarded callback per button) from :data:`BUTTONS`; :mod:`jixiao.excel.ribbon` keys its handler
table by the same keys, and a test holds the three to the same set.  The texts the VBA side shows
by itself (guards, help, a Python that cannot start) live here too, so the add-in carries no
Chinese string of its own: the build writes them into the VBA as code points (VBA source is ASCII).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from jixiao.template.layout import LAYOUT, RESULT


class Needs(enum.IntEnum):
    """What must be open before a button can do anything (each level includes the one before)."""

    NOTHING = 0
    WORKBOOK = 1
    """An ordinary workbook, active and editable (not in Protected View)."""
    TEMPLATE = 2
    """A jixiao template: the workbook has the hidden ``_meta`` sheet."""


@dataclass(frozen=True, slots=True)
class Button:
    """One button of the tab."""

    key: str
    """ASCII snake_case: the Python handler key (``ribbon.run("validate")``), and, in CamelCase
    with ``On``, the VBA callback (``JixiaoRibbon.OnValidate``)."""
    label: str
    image: str
    """An ``imageMso`` of Office's built-in icons."""
    tip: str
    needs: Needs
    python: bool = True
    """False: answered by the VBA module alone (帮助 works without a workbook or Python)."""

    @property
    def callback(self) -> str:
        """The VBA Sub: ``validate`` → ``OnValidate``."""
        return "On" + "".join(part.capitalize() for part in self.key.split("_"))

    @property
    def control_id(self) -> str:
        """The ribbon control id: ``validate`` → ``jixiaoValidate``."""
        return "jixiao" + self.callback[2:]


BUTTONS: tuple[Button, ...] = (
    Button(
        "validate",
        "一键校验",
        "DataValidation",
        "按规则配置检查本工作簿的全部项目表和部门整体绩效目标，"
        f"问题逐条列在“{RESULT.name}”表，出错的单元格标红。",
        Needs.TEMPLATE,
    ),
    Button(
        "new_project",
        "新建项目表",
        "TableInsert",
        "在本工作簿中添加一张空白的《项目支出绩效目标表》。",
        Needs.TEMPLATE,
    ),
    Button(
        "clear_marks",
        "清除标记",
        "ClearFormats",
        f"去掉一键校验留下的红色标记和“{RESULT.name}”表，不改动填写的内容。",
        Needs.TEMPLATE,
    ),
    Button(
        "consolidate",
        "汇总",
        "AutoSum",
        "把一个文件夹里各下属单位报来的绩效目标表汇总到一个工作簿中；"
        "不选文件夹时按本工作簿各项目表的填报部门汇总。",
        Needs.WORKBOOK,
    ),
    Button(
        "import",
        "导入",
        "FileOpen",
        "从已公开的 Word 或文本文件导入绩效目标，在它旁边生成填好的模板。",
        Needs.WORKBOOK,
    ),
    Button(
        "publish",
        "生成公开文本",
        "FileSaveAsPdfOrXps",
        "把本工作簿的项目表和部门整体绩效目标生成可公开的绩效目标文本（Word 文档），"
        "放在本工作簿旁边。",
        Needs.TEMPLATE,
    ),
    Button("help", "帮助", "Help", "jixiao 使用说明。", Needs.NOTHING, python=False),
)

BY_KEY: dict[str, Button] = {button.key: button for button in BUTTONS}

TEMPLATE_MARK = LAYOUT.meta.name
"""The sheet every jixiao template has (hidden): the guard's test for "a jixiao template"."""

TITLE = "jixiao 绩效目标"
"""The title of every message box."""

NO_WORKBOOK = "请先打开要处理的工作簿（例如“文档\\jixiao模板”中的模板），再点这个按钮。"
PROTECTED_VIEW = (
    "这个工作簿处于“受保护的视图”（来自网络、邮件或微信的文件）。"
    "请先点黄色提示条上的“启用编辑”，再点这个按钮。"
)
NOT_TEMPLATE = (
    "这个工作簿不是 jixiao 的绩效目标模板，无法{action}。"
    "请打开“文档\\jixiao模板”中的模板（或用它填写的报表）再试。"
)
PYTHON_FAILED = (
    "jixiao 的 Python 部分没有启动或出了错，操作未完成。"
    "请关闭 Excel 后重新运行 jixiao 安装程序（install.cmd）；仍不行时，把下面这行发给管理员："
)

HELP_TEXT = (
    "jixiao 绩效目标工具\n\n"
    f"一键校验：按完整规则检查本工作簿，结果列在“{RESULT.name}”表，点击单元格地址可跳转，"
    "有问题的单元格标红；再次校验会替换上次的结果。\n"
    "新建项目表：在最后一张项目表后增加一张空白项目表（保持保护）。\n"
    f"清除标记：去掉红色标记并删除“{RESULT.name}”表。\n"
    "汇总：选择放有下属单位报表的文件夹，在它旁边生成汇总工作簿；不选文件夹时按本工作簿的填报部门汇总。\n"
    "导入：选择已公开的 Word 或文本文件，在它旁边生成填好的模板。\n"
    "生成公开文本：按公开格式把本工作簿写成 Word 文档，放在本工作簿旁边；有错误时先询问。\n\n"
    "模板在“文档\\jixiao模板”。不装加载项时，表格右侧的公式校验同样有效。"
    "命令行：jixiao validate 文件或文件夹。"
)


def not_template(button: Button) -> str:
    """The guard's answer for a workbook that is not a template: ``无法一键校验``."""
    return NOT_TEMPLATE.format(action=button.label)


def refusal(button: Button, sheet_names: list[str]) -> str | None:
    """What the Python side answers before running a handler (the VBA guard asks the same
    first; this is the same check where Python sees the workbook), or None to go ahead."""
    if button.needs >= Needs.TEMPLATE and TEMPLATE_MARK not in sheet_names:
        return not_template(button)
    return None


def check_table() -> None:
    """Keys, callbacks and ids are unique and usable as VBA and XML names."""
    for field in ("key", "callback", "control_id", "label"):
        values = [getattr(button, field) for button in BUTTONS]
        if len(set(values)) != len(values):
            raise ValueError(f"ribbon buttons: duplicate {field}")
    for button in BUTTONS:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", button.key):
            raise ValueError(f"ribbon button key {button.key!r}: ASCII snake_case only")


check_table()
