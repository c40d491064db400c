"""File-level problems: unreadable files, wrong templates, interchange JSON of the wrong shape.

These rules are reported by the readers, before any submission exists, so they do not go
through a profile (a profile cannot turn off "this file could not be read").
"""

from __future__ import annotations

import re

from jixiao.findings import Finding
from jixiao.model import Location
from jixiao.rules.base import MAX_QUOTED, Rule, define

FILE_UNREADABLE = define(
    "file-unreadable",
    "error",
    "文件无法读取",
    "无法读取：{reason}",
    "确认文件是 jixiao 模板填写的 .xlsx、提交 JSON 或绩效目标文档（.docx/.txt/.md），"
    "未加密、未损坏；可重新保存或导出后再试",
)
TEMPLATE_TAMPERED = define(
    "template-tampered",
    "error",
    "模板结构被改动",
    "模板结构与已知模板不一致：{reason}",
    "请在原模板中填写，不要插入/删除行列或改动标签；可用“新建项目表”重新生成",
)
SCHEMA_INVALID = define(
    "schema-invalid",
    "error",
    "提交数据格式不符合规范",
    "数据格式错误（{path}）：{reason}",
    "按 jixiao schema 输出的 JSON Schema 修正该字段",
)

SHEET_RENAMED = define(
    "sheet-renamed",
    "warning",
    "项目表被改名",
    "工作表“{sheet}”按内容是项目表，但名称不是“{prefix}N”的形式：已作为第 {number} 个项目读取",
    "把工作表名改回“{prefix}N”的形式，以免其他工具漏读这张表",
)
MONEY_UNIT_INVALID = define(
    "money-unit-invalid",
    "error",
    "金额单位不可识别",
    "金额单位“{text}”不是 {allowed}：金额暂按 {used} 读取",
    "在“单位信息”表的“金额单位”中选择 {allowed}；以亿元计的金额请换算后填写",
)
YEAR_INVALID = define(
    "year-invalid",
    "error",
    "预算年度不可识别",
    "预算年度“{text}”不是四位数的年份",
    "填写预算年度，如 2025",
)
YEAR_MISSING = define(
    "year-missing",
    "warning",
    "未填写预算年度",
    "没有填写预算年度：时间类指标值（如“2025年底前”）无法与预算年度核对",
    "在“单位信息”表的“预算年度”中填写，如 2025",
)
PROFILE_UNKNOWN = define(
    "profile-unknown",
    "warning",
    "规则配置不可识别",
    "规则配置“{text}”不是内置配置（{allowed}）：按“{used}”校验",
    "在“单位信息”表的“规则配置”中从下拉列表选择",
)

CELL_ERROR = define(
    "cell-error",
    "error",
    "单元格显示错误值",
    "单元格显示错误值 {text}",
    "这里应填写内容，而不是公式；删除错误值（常见于复制了引用其他文件的公式），重新填写",
)
FORMULA_OUTSIDE = define(
    "formula-outside",
    "warning",
    "公式引用了工作簿以外的数据",
    "{what}引用了工作簿以外的数据（{kind}）：读取的是上次保存时的结果",
    "把公式换成数值（复制后“选择性粘贴 → 数值”）：外部文件、网页或命令的结果随时会变，"
    "别人打开时也可能读不到，甚至弹出安全警告",
)
LINK_OUTSIDE = define(
    "link-outside",
    "info",
    "超链接指向工作簿以外",
    "超链接指向{target}：读取的是链接显示的文字，不是链接所指的内容",
    "确认这个链接是有意随表报送的：收表的电脑上可能打不开它所指的网页或文件，"
    "在受保护的视图中点击也不会打开；显示的文字已照常读取，不必粘贴为数值（那样会去掉链接）",
)
"""An input cell whose only reach outside the workbook is a HYPERLINK (``=HYPERLINK("http://…",
"说明")``, a file on a share).  Not ``formula-outside``: a link's value is its display text,
computed inside the workbook at every recalculation, so what was read is no stale cache, and
pasting values (that rule's hint) would destroy the link the sub-unit meant to send.  What is
true is only that the cell points outside: clicked in the copy the desk receives it may open a
web page or another file, the target may not exist there, and in Protected View it is inert.
Severity 提示 (info), not 警告: nothing in the table is wrong or doubtful, and a link may be
intended, so a workbook holding one still 通过; the hint asks the desk to check it is meant.  A
HYPERLINK whose display text itself is fetched from outside (``HYPERLINK(A1, WEBSERVICE(…))``)
is ``formula-outside`` with that other kind.  ``target`` is :func:`link_target`'s clause."""

_SAID_OF_ADDRESS = ("工作簿以外的「", "」")
"""What :func:`link_target` says around a link's address."""
ADDRESS_SHOWN = MAX_QUOTED - sum(map(len, _SAID_OF_ADDRESS))
"""The most characters of a link's address a message shows: a message's quoted part is cut
at :data:`~jixiao.rules.base.MAX_QUOTED`, and the address must fit within it whole or be cut
here, where the cut is chosen."""


def link_target(address: str | None, formula: str) -> str:
    """What :data:`LINK_OUTSIDE`'s message says the link points to: the address when the
    formula is one HYPERLINK writing it as one text (``工作簿以外的「http://…」``), else the
    formula (which may still go within the workbook, e.g. ``A1`` holding ``#项目1!A1``).  Line
    breaks and other control characters become spaces.  A long address is cut in its path,
    never in its host (a review cut ``https://www.mof.gov.cn.files.download.example.evil.cn/…``
    to look like the ministry's); a host too long to show whole is shown by its end, where
    the domain that owns it stands (``https://…download.example.evil.cn``)."""
    if address is None:
        return f"公式“{_plain(formula)}”算出的地址，可能在工作簿以外"
    before, after = _SAID_OF_ADDRESS
    return f"{before}{address_shown(_plain(address))}{after}"


def address_shown(address: str, room: int = ADDRESS_SHOWN) -> str:
    """``address`` in at most ``room`` characters: whole, or its path cut, or (a host longer
    than the room) its scheme and the end of its host."""
    if len(address) <= room:
        return address
    host = _HOST.match(address)
    head = host.group(0) if host else ""
    if len(head) < room:
        return address[: room - 1] + "…"
    scheme = head[: head.index("//") + 2] if "//" in head else head[:2]
    return f"{scheme}…{head[len(scheme) + len(head) - room + 1 :]}"


_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\\?#]*|\\\\[^\\/]*")
"""An address's scheme and host (``https://www.example.cn``), or a share's server
(``\\\\server``)."""


def _plain(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


FILE_RULES = (
    FILE_UNREADABLE,
    TEMPLATE_TAMPERED,
    SCHEMA_INVALID,
    SHEET_RENAMED,
    MONEY_UNIT_INVALID,
    YEAR_INVALID,
    YEAR_MISSING,
    PROFILE_UNKNOWN,
    CELL_ERROR,
    FORMULA_OUTSIDE,
    LINK_OUTSIDE,
)
"""The rules of this module: reported while a file is read, before any rule runs."""


def file_finding(rule: Rule, file: str, where: Location | None = None, **params: object) -> Finding:
    """A finding about a whole file (or a place in it) that no profile can switch off."""
    message, hint = rule.render(**params)
    where = where or Location()
    return Finding(
        code=rule.code,
        severity=rule.severity,
        file=file,
        sheet=where.sheet,
        cell=where.cell,
        project_code=None,
        project_name=None,
        message=message,
        hint=hint,
        line=where.line,
        path=where.path,
    )
