"""File-level problems: unreadable files, wrong templates, interchange JSON of the wrong shape.

These rules are reported by the readers, before any submission exists, so they do not go
through a profile (a profile cannot turn off "this file could not be read").
"""

from __future__ import annotations

from jixiao.findings import Finding
from jixiao.model import Location
from jixiao.rules.base import Rule, define

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

FILE_RULES = (
    FILE_UNREADABLE,
    TEMPLATE_TAMPERED,
    SCHEMA_INVALID,
    SHEET_RENAMED,
    MONEY_UNIT_INVALID,
    YEAR_INVALID,
    PROFILE_UNKNOWN,
    CELL_ERROR,
    FORMULA_OUTSIDE,
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
